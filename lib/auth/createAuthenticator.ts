import fs from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { createLocalJWKSet, createRemoteJWKSet, errors, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import { createCachedJwtVerify, DEFAULT_VERIFIED_TOKEN_CACHE_SIZE } from './createCachedJwtVerify';
import { isRole } from './Role';
import type { Principal } from './Principal';

/** Where the gateway finds its identity provider's public keys, and what tokens must say. */
export interface AuthenticatorOptions {
  /** A JWKS file (the demo writes one), or... */
  jwksFile?: string | null;
  /** ...the identity provider's JWKS URL (e.g. NHS CIS2's), fetched and cached by jose. */
  jwksUrl?: string | null;
  issuer: string;
  audience: string;
  /** Accepted clock skew in seconds. Default 30. */
  clockToleranceSeconds?: number;
  /** Longest accepted token lifetime (`exp` - `iat`, or `exp` - now without `iat`), seconds. @defaultValue MAX_TOKEN_LIFETIME_SECONDS */
  maxLifetimeSeconds?: number;
  /** Verified tokens remembered (lib/auth/createCachedJwtVerify.ts); 0 verifies every request afresh. @defaultValue DEFAULT_VERIFIED_TOKEN_CACHE_SIZE */
  verifiedTokenCacheSize?: number;
}

/** A token valid for longer than this is refused: a stolen token must not stay useful for days. 12 h covers a clinical shift. */
export const MAX_TOKEN_LIFETIME_SECONDS = 12 * 3600;

export type Authenticate = (req: IncomingMessage) => Promise<Principal>;

// RFC 7235: the scheme is case-insensitive.
const BEARER = /^Bearer\s+([A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+)$/i;
const PURPOSE = /^[A-Z_]{1,40}$/;

/**
 * Verifies Bearer JWTs with jose (maintained, dependency-free, standards-complete JOSE) against
 * a JWKS: signature, `iss`, `aud`, `exp`/`nbf`, and an asymmetric algorithm only. Returns a
 * principal value rather than throwing; the HTTP layer turns anything but a user into
 * UNAUTHENTICATED before a query is parsed, so no region is ever called for it.
 */
export function createAuthenticator(options: AuthenticatorOptions): Authenticate {
  let keys: JWTVerifyGetKey;
  if (options.jwksFile) {
    const jwks = JSON.parse(fs.readFileSync(options.jwksFile, 'utf8')) as JSONWebKeySet;
    keys = createLocalJWKSet(jwks);
  } else if (options.jwksUrl) {
    keys = createRemoteJWKSet(new URL(options.jwksUrl), { cooldownDuration: 30_000, cacheMaxAge: 600_000 });
  } else {
    throw new Error('authentication needs JWKS_FILE or JWKS_URL');
  }
  const tolerance = options.clockToleranceSeconds ?? 30;
  const maxLifetime = options.maxLifetimeSeconds ?? MAX_TOKEN_LIFETIME_SECONDS;
  const verify = createCachedJwtVerify(
    keys,
    {
      issuer: options.issuer,
      audience: options.audience,
      algorithms: ['ES256', 'RS256', 'PS256', 'EdDSA'],
      clockTolerance: tolerance,
      requiredClaims: ['sub', 'exp'],
    },
    options.verifiedTokenCacheSize ?? DEFAULT_VERIFIED_TOKEN_CACHE_SIZE,
  );
  return async (req) => {
    // Node keeps only the first of repeated Authorization headers; two credentials in one
    // request are ambiguous (a proxy added one?), so refuse rather than pick.
    if (countHeader(req.rawHeaders, 'authorization') > 1) return { kind: 'invalid', reason: 'more than one Authorization header' };
    const header = req.headers.authorization;
    if (!header) return { kind: 'anonymous' };
    const match = BEARER.exec(header.trim());
    if (!match) return { kind: 'invalid', reason: 'Authorization header must be "Bearer <JWT>"' };
    try {
      const { payload } = await verify(match[1]!);
      const now = Math.floor(Date.now() / 1000);
      if (typeof payload.sub !== 'string' || payload.sub.trim() === '') return { kind: 'invalid', reason: 'token claim "sub" is empty' };
      if (payload.iat !== undefined && payload.iat > now + tolerance) return { kind: 'invalid', reason: 'token claim "iat" is in the future' };
      if (payload.exp! - (payload.iat ?? now) > maxLifetime) return { kind: 'invalid', reason: `token lifetime exceeds ${maxLifetime} s` };
      const role = typeof payload.role === 'string' ? payload.role.toUpperCase() : payload.role;
      if (!isRole(role)) return { kind: 'invalid', reason: 'token has no recognised role claim' };
      // The identity provider's statement wins; a claim of the wrong type is refused, never
      // replaced by what the caller asserts in a header.
      if (payload.purpose_of_use !== undefined && typeof payload.purpose_of_use !== 'string') return { kind: 'invalid', reason: 'token claim "purpose_of_use" must be a string' };
      if (role === 'PATIENT') return { kind: 'invalid', reason: 'the PATIENT role comes only from the NHS login issuer' };
      const headerPurpose = req.headers['x-purpose-of-use'];
      const fromToken = typeof payload.purpose_of_use === 'string';
      const purpose = fromToken ? (payload.purpose_of_use as string) : typeof headerPurpose === 'string' ? headerPurpose : null;
      if (purpose !== null && !PURPOSE.test(purpose.trim().toUpperCase())) return { kind: 'invalid', reason: 'purpose of use is malformed' };
      return {
        kind: 'user',
        user: {
          id: payload.sub!,
          role,
          organisation: typeof payload.org === 'string' ? payload.org : null,
          region: typeof payload.region === 'string' ? payload.region.toUpperCase() : null,
          purposeOfUse: purpose === null ? null : purpose.trim().toUpperCase(),
          purposeSource: purpose === null ? null : fromToken ? 'TOKEN' : 'HEADER',
        },
      };
    } catch (err) {
      return { kind: 'invalid', reason: describe(err) };
    }
  };
}

function countHeader(raw: string[], name: string): number {
  let n = 0;
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.toLowerCase() === name) n++;
  return n;
}

function describe(err: unknown): string {
  if (err instanceof errors.JWTExpired) return 'token has expired';
  if (err instanceof errors.JWTClaimValidationFailed) return `token claim "${err.claim}" is not acceptable`;
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'token signature is not valid';
  if (err instanceof errors.JWKSNoMatchingKey) return 'token was not signed by a trusted key';
  if (err instanceof errors.JOSEAlgNotAllowed) return 'token algorithm is not allowed';
  if (err instanceof errors.JWTInvalid || err instanceof errors.JWSInvalid) return 'token is malformed';
  return 'token could not be verified';
}
