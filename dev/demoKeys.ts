import fs from 'node:fs';
import path from 'node:path';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import { DEMO_AUDIENCE, DEMO_ISSUER } from '../lib/auth/authenticatorFromEnv';
import type { Role } from '../lib/auth/Role';

export { DEMO_AUDIENCE, DEMO_ISSUER };

/** Where `npm start` notes its demo staff identity provider's issuer, for `npm run token`. */
export const STAFF_ISSUER_FILE = 'staff-issuer.txt';

export interface DemoKeys {
  dir: string;
  jwksFile: string;
  privateJwk: JWK;
}

/**
 * The demo's own signing key pair (ES256), made once in `dir`: private.jwk.json for issuing
 * demo tokens, jwks.json for the gateway to verify them. Stands in for an identity
 * provider such as NHS CIS2, whose JWKS URL replaces jwks.json in a real deployment.
 */
export async function ensureDemoKeys(dir: string): Promise<DemoKeys> {
  const privateFile = path.join(dir, 'private.jwk.json');
  const jwksFile = path.join(dir, 'jwks.json');
  if (!fs.existsSync(privateFile) || !fs.existsSync(jwksFile)) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
    const kid = `demo-${Date.now().toString(36)}`;
    const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: 'ES256', use: 'sig' };
    const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
    fs.writeFileSync(privateFile, JSON.stringify(privateJwk), { mode: 0o600 });
    fs.writeFileSync(jwksFile, JSON.stringify({ keys: [publicJwk] }, null, 2));
  }
  return { dir, jwksFile, privateJwk: JSON.parse(fs.readFileSync(privateFile, 'utf8')) as JWK };
}

export interface DemoTokenClaims {
  role: Role;
  sub?: string;
  org?: string;
  region?: string;
  purposeOfUse?: string;
  /** Lifetime in seconds; default 8 hours (a working shift). */
  ttlSeconds?: number;
  issuer?: string;
  audience?: string;
  /** `iat` in seconds since the epoch; default now. */
  issuedAt?: number;
  /** Further claims, as given (tests of malformed tokens). */
  extra?: Record<string, unknown>;
}

/** Signs a demo token with the demo private key. */
export async function issueDemoToken(privateJwk: JWK, claims: DemoTokenClaims): Promise<string> {
  const key = await importJWK(privateJwk, 'ES256');
  const body: Record<string, unknown> = { role: claims.role };
  if (claims.org) body.org = claims.org;
  if (claims.region) body.region = claims.region;
  if (claims.purposeOfUse) body.purpose_of_use = claims.purposeOfUse;
  Object.assign(body, claims.extra ?? {});
  const issuedAt = claims.issuedAt ?? Math.floor(Date.now() / 1000);
  return new SignJWT(body)
    .setProtectedHeader({ alg: 'ES256', kid: privateJwk.kid ?? 'demo' })
    .setSubject(claims.sub ?? `demo-${claims.role.toLowerCase()}`)
    .setIssuer(claims.issuer ?? DEMO_ISSUER)
    .setAudience(claims.audience ?? DEMO_AUDIENCE)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + (claims.ttlSeconds ?? 8 * 3600))
    .sign(key);
}
