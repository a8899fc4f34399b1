import fs from 'node:fs';
import type { JWK } from 'jose';
import { envNumber, envOptional, envString } from '../../lib/config/readEnv';
import { GATEWAY_DEFAULTS } from '../defaults';
import type { IdeSignInSettings, SignInProvider } from './IdeSignInSettings';

/**
 * The IDE's sign-in from the environment, or null when OIDC_ISSUER is not set (then IDE
 * users paste a bearer token). OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_SCOPES: the staff
 * provider (NHS CIS2); OIDC_PATIENT_ISSUER, OIDC_PATIENT_CLIENT_ID, OIDC_PATIENT_SCOPES:
 * the patients' (NHS login), optional; OIDC_CLIENT_KEY_FILE: the gateway's private JWK
 * for private_key_jwt; PUBLIC_URL: the gateway's origin as browsers reach it.
 */
export function signInSettingsFromEnv(defaultPublicUrl: string): IdeSignInSettings | null {
  const staffIssuer = envOptional('OIDC_ISSUER');
  if (!staffIssuer) return null;
  const clientId = envString('OIDC_CLIENT_ID');
  const providers: SignInProvider[] = [
    { id: 'staff', label: 'NHS staff (CIS2)', issuer: staffIssuer, clientId, scopes: envString('OIDC_SCOPES', GATEWAY_DEFAULTS.oidcScopes) },
  ];
  const patientIssuer = envOptional('OIDC_PATIENT_ISSUER');
  if (patientIssuer) {
    providers.push({
      id: 'patient',
      label: 'Patients (NHS login)',
      issuer: patientIssuer,
      clientId: envString('OIDC_PATIENT_CLIENT_ID', clientId),
      scopes: envString('OIDC_PATIENT_SCOPES', GATEWAY_DEFAULTS.oidcScopes),
    });
  }
  return {
    providers,
    clientPrivateJwk: JSON.parse(fs.readFileSync(envString('OIDC_CLIENT_KEY_FILE'), 'utf8')) as JWK,
    publicUrl: envString('PUBLIC_URL', defaultPublicUrl),
    sessionTtlSeconds: envNumber('SESSION_TTL_SECONDS', GATEWAY_DEFAULTS.sessionTtlSeconds, { min: 60, max: 7 * 24 * 3600 }),
    refreshMarginSeconds: envNumber('SESSION_REFRESH_MARGIN_SECONDS', GATEWAY_DEFAULTS.sessionRefreshMarginSeconds, { min: 0, max: 3600 }),
  };
}
