import { envOptional, envString } from '../config/readEnv';
import { createAuthenticator, type Authenticate } from './createAuthenticator';
import { DEMO_AUDIENCE, DEMO_ISSUER } from './demoKeys';

/**
 * JWT verification from the environment: JWKS_FILE or JWKS_URL (the identity provider's
 * keys, e.g. NHS CIS2's JWKS endpoint), JWT_ISSUER and JWT_AUDIENCE. Null when no key
 * source is configured.
 */
export function authenticatorFromEnv(): Authenticate | null {
  const jwksFile = envOptional('JWKS_FILE');
  const jwksUrl = envOptional('JWKS_URL');
  if (!jwksFile && !jwksUrl) return null;
  return createAuthenticator({
    jwksFile,
    jwksUrl,
    issuer: envString('JWT_ISSUER', DEMO_ISSUER),
    audience: envString('JWT_AUDIENCE', DEMO_AUDIENCE),
  });
}
