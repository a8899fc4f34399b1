import { authenticatorFromEnv, DEMO_AUDIENCE } from '../../lib/auth/authenticatorFromEnv';
import type { Authenticate } from '../../lib/auth/createAuthenticator';
import { createPatientAuthenticator } from '../../lib/auth/createPatientAuthenticator';
import { routeByIssuer } from '../../lib/auth/routeByIssuer';
import { envOptional, envString } from '../../lib/config/readEnv';
import { GATEWAY_DEFAULTS } from '../defaults';

/**
 * The gateway's token verification from the environment: staff tokens as every service
 * verifies them (JWKS_FILE or JWKS_URL, JWT_ISSUER, JWT_AUDIENCE), and, when
 * PATIENT_JWT_ISSUER is set, patients' tokens from that separate NHS login issuer
 * (PATIENT_JWKS_FILE or PATIENT_JWKS_URL, PATIENT_JWT_AUDIENCE, PATIENT_IDENTITY_CLAIM,
 * PATIENT_IDENTITY_LEVEL). Null when no staff key source is configured.
 */
export function gatewayAuthenticatorFromEnv(): Authenticate | null {
  const staff = authenticatorFromEnv();
  const patientIssuer = envOptional('PATIENT_JWT_ISSUER');
  if (!staff || !patientIssuer) return staff;
  if (patientIssuer === envOptional('JWT_ISSUER')) throw new Error('PATIENT_JWT_ISSUER must differ from JWT_ISSUER: patients and staff sign in with different identity providers');
  const verify = createPatientAuthenticator({
    jwksFile: envOptional('PATIENT_JWKS_FILE'),
    jwksUrl: envOptional('PATIENT_JWKS_URL'),
    issuer: patientIssuer,
    audience: envString('PATIENT_JWT_AUDIENCE', envString('JWT_AUDIENCE', DEMO_AUDIENCE)),
    identityClaim: envString('PATIENT_IDENTITY_CLAIM', GATEWAY_DEFAULTS.patientIdentityClaim),
    identityLevel: envString('PATIENT_IDENTITY_LEVEL', GATEWAY_DEFAULTS.patientIdentityLevel),
  });
  return routeByIssuer(staff, { issuer: patientIssuer, verify });
}
