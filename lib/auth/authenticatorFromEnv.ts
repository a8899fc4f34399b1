import { envOptional, envString } from '../config/readEnv';
import { createAuthenticator, type Authenticate } from './createAuthenticator';

/**
 * Issuer and audience the demo's tokens carry (dev/demoKeys.ts). The demo and the tests set
 * JWT_ISSUER and JWT_AUDIENCE to these explicitly; a service never falls back to them.
 */
export const DEMO_ISSUER = 'https://demo-idp.imaging-index.invalid';
export const DEMO_AUDIENCE = 'national-imaging-index';

/**
 * JWT verification from the environment: JWKS_FILE or JWKS_URL (the identity provider's
 * keys, e.g. NHS CIS2's JWKS endpoint), JWT_ISSUER and JWT_AUDIENCE (both required: a
 * service that silently accepted the demo's issuer would accept the demo's tokens). Null
 * when no key source is configured.
 */
export function authenticatorFromEnv(): Authenticate | null {
  const jwksFile = envOptional('JWKS_FILE');
  const jwksUrl = envOptional('JWKS_URL');
  if (!jwksFile && !jwksUrl) return null;
  return createAuthenticator({
    jwksFile,
    jwksUrl,
    issuer: envString('JWT_ISSUER'),
    audience: envString('JWT_AUDIENCE'),
  });
}
