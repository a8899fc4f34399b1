import { createHash } from 'node:crypto';
import { jwtVerify, type JWTHeaderParameters, type JWTPayload, type JWTVerifyGetKey, type JWTVerifyOptions } from 'jose';
import { LRUCache } from 'lru-cache';

/** Tokens kept verified per process unless told otherwise. */
export const DEFAULT_VERIFIED_TOKEN_CACHE_SIZE = 10_000;

/** A verified token's payload and protected header, as `jwtVerify` returns them. */
export interface VerifiedJwt {
  payload: JWTPayload;
  protectedHeader: JWTHeaderParameters;
}

/** `jwtVerify` with fixed keys and options: resolves with the verified token or throws jose's error. */
export type VerifyJwt = (token: string) => Promise<VerifiedJwt>;

interface Entry extends VerifiedJwt {
  /** The key that verified the signature: the token is only trusted while the key set still yields this key. */
  key: ResolvedKey;
}

type ResolvedKey = Awaited<ReturnType<JWTVerifyGetKey>>;

/**
 * `jwtVerify` behind a bounded LRU of tokens already verified (lru-cache: the bound is the
 * number of entries), keyed by the token's SHA-256 so that no bearer token sits in memory as
 * a key. A signature check (ECDSA/RSA) is most of what verification costs, and a client sends
 * the same token with every request of its session.
 *
 * A hit is trusted only while nothing that made the token valid has changed:
 * - `exp` and `nbf` are checked again against the clock (same tolerance as jose), so a cached
 *   token expires exactly when an uncached one would;
 * - the key set is asked again for the token's key (a local lookup; a remote set re-fetches
 *   when its cache is stale): if the key is gone from the JWKS, or is another key now, the
 *   entry is dropped and the token verified afresh, which refuses it.
 * Anything in doubt goes through `jwtVerify` itself, so refusals and their reasons are
 * exactly jose's. Issuer, audience, algorithms and required claims are fixed per verifier,
 * so they cannot differ between the first check and a hit.
 */
export function createCachedJwtVerify(keys: JWTVerifyGetKey, options: JWTVerifyOptions & { clockTolerance?: number }, max = DEFAULT_VERIFIED_TOKEN_CACHE_SIZE): VerifyJwt {
  const tolerance = options.clockTolerance ?? 0;
  const cache = max > 0 ? new LRUCache<string, Entry>({ max }) : null;
  // Remembers which key the key set resolved for this verification.
  const verifyFresh = async (token: string): Promise<Entry> => {
    let used: ResolvedKey | undefined;
    const recordingKeys: JWTVerifyGetKey = async (header, input) => (used = await keys(header, input));
    const { payload, protectedHeader } = await jwtVerify(token, recordingKeys, options);
    return { payload, protectedHeader, key: used! };
  };
  return async (token) => {
    if (!cache) return verifyFresh(token);
    const id = createHash('sha256').update(token).digest('base64url');
    const hit = cache.get(id);
    if (hit && stillValid(hit.payload, tolerance)) {
      const current = await Promise.resolve()
        .then(() => keys(hit.protectedHeader, { payload: '', signature: '' }))
        .catch(() => null);
      if (current === hit.key) return hit;
    }
    if (hit) cache.delete(id);
    const entry = await verifyFresh(token);
    cache.set(id, entry);
    return entry;
  };
}

/** jose's own time checks (lib/jwt_claims_set.js), repeated for a cached token. */
function stillValid(payload: JWTPayload, tolerance: number): boolean {
  const now = Math.floor(Date.now() / 1000);
  if (typeof payload.nbf === 'number' && payload.nbf > now + tolerance) return false;
  if (typeof payload.exp === 'number' && payload.exp <= now - tolerance) return false;
  return true;
}
