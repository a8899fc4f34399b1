import fs from 'node:fs';
import type { IncomingMessage } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createLocalJWKSet, errors, exportJWK, generateKeyPair, SignJWT, type JSONWebKeySet, type JWK, type JWTVerifyGetKey, type KeyLike } from 'jose';
import { ensureDemoKeys } from '../../dev/demoKeys';
import { createAuthenticator } from '../../lib/auth/createAuthenticator';
import { createCachedJwtVerify } from '../../lib/auth/createCachedJwtVerify';

const ISSUER = 'https://cis2.example';
const AUDIENCE = 'national-imaging-index';
const OPTIONS = { issuer: ISSUER, audience: AUDIENCE, algorithms: ['ES256'], clockTolerance: 30, requiredClaims: ['sub', 'exp'] };
const T0 = Date.UTC(2026, 10, 29, 12, 0, 0);

async function keyPair(kid: string): Promise<{ privateKey: KeyLike; publicJwk: JWK }> {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  return { privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } };
}

async function sign(privateKey: KeyLike, kid: string, times: { iat: number; exp: number; nbf?: number }): Promise<string> {
  const jwt = new SignJWT({ role: 'CLINICIAN' }).setProtectedHeader({ alg: 'ES256', kid }).setIssuer(ISSUER).setAudience(AUDIENCE).setSubject('dr-cache');
  jwt.setIssuedAt(times.iat).setExpirationTime(times.exp);
  if (times.nbf !== undefined) jwt.setNotBefore(times.nbf);
  return jwt.sign(privateKey);
}

const seconds = (ms: number) => Math.floor(ms / 1000);

describe('the verified-token cache trusts a token only while an uncached check would', () => {
  let a: Awaited<ReturnType<typeof keyPair>>;
  let b: Awaited<ReturnType<typeof keyPair>>;

  beforeAll(async () => {
    a = await keyPair('key-a');
    b = await keyPair('key-b');
  });
  beforeEach(() => {
    // Only the clock is faked: jose reads `new Date()`; promises and crypto run for real.
    jest.useFakeTimers({ now: T0, doNotFake: ['nextTick', 'setImmediate', 'clearImmediate', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'queueMicrotask', 'hrtime', 'performance'] });
  });
  afterEach(() => jest.useRealTimers());

  it('answers a repeated token from the cache', async () => {
    const verify = createCachedJwtVerify(createLocalJWKSet({ keys: [a.publicJwk] }), OPTIONS);
    const token = await sign(a.privateKey, 'key-a', { iat: seconds(T0), exp: seconds(T0) + 300 });
    const first = await verify(token);
    expect(await verify(token)).toBe(first);
  });

  it('refuses a cached token once it has expired, as jose refuses an uncached one', async () => {
    const verify = createCachedJwtVerify(createLocalJWKSet({ keys: [a.publicJwk] }), OPTIONS);
    const token = await sign(a.privateKey, 'key-a', { iat: seconds(T0), exp: seconds(T0) + 300 });
    await verify(token);
    // Past exp plus the 30 s clock tolerance.
    jest.setSystemTime(T0 + 331_000);
    await expect(verify(token)).rejects.toBeInstanceOf(errors.JWTExpired);
  });

  it('refuses a cached token that is not yet valid on the current clock (nbf), as jose does', async () => {
    const verify = createCachedJwtVerify(createLocalJWKSet({ keys: [a.publicJwk] }), OPTIONS);
    const token = await sign(a.privateKey, 'key-a', { iat: seconds(T0) - 60, nbf: seconds(T0) - 10, exp: seconds(T0) + 300 });
    await verify(token);
    // The clock is stepped back (an NTP correction): the token is before its nbf again.
    jest.setSystemTime(T0 - 120_000);
    await expect(verify(token)).rejects.toBeInstanceOf(errors.JWTClaimValidationFailed);
  });

  it('refuses a cached token once its key is removed from the JWKS', async () => {
    let jwks: JSONWebKeySet = { keys: [a.publicJwk, b.publicJwk] };
    let set = createLocalJWKSet(jwks);
    // The key set as a remote JWKS behaves after a refresh: same interface, new contents.
    const keys: JWTVerifyGetKey = (header, token) => set(header, token);
    const verify = createCachedJwtVerify(keys, OPTIONS);
    const token = await sign(a.privateKey, 'key-a', { iat: seconds(T0), exp: seconds(T0) + 300 });
    const other = await sign(b.privateKey, 'key-b', { iat: seconds(T0), exp: seconds(T0) + 300 });
    await verify(token);
    await verify(other);
    jwks = { keys: [b.publicJwk] };
    set = createLocalJWKSet(jwks);
    await expect(verify(token)).rejects.toBeInstanceOf(errors.JWKSNoMatchingKey);
    // Tokens under the key that stays are still accepted.
    await expect(verify(other)).resolves.toMatchObject({ payload: { sub: 'dr-cache' } });
  });

  it('refuses a cached token once its key id names different key material', async () => {
    let set = createLocalJWKSet({ keys: [a.publicJwk] });
    const verify = createCachedJwtVerify((header, token) => set(header, token), OPTIONS);
    const token = await sign(a.privateKey, 'key-a', { iat: seconds(T0), exp: seconds(T0) + 300 });
    await verify(token);
    const impostor = await keyPair('key-a');
    set = createLocalJWKSet({ keys: [impostor.publicJwk] });
    await expect(verify(token)).rejects.toBeInstanceOf(errors.JWSSignatureVerificationFailed);
  });

  it('never lets a tampered token ride on the cached original', async () => {
    const verify = createCachedJwtVerify(createLocalJWKSet({ keys: [a.publicJwk] }), OPTIONS);
    const token = await sign(a.privateKey, 'key-a', { iat: seconds(T0), exp: seconds(T0) + 300 });
    await verify(token);
    const [header, , signature] = token.split('.');
    const forged = `${header}.${Buffer.from(JSON.stringify({ sub: 'someone-else', role: 'ADMIN', iss: ISSUER, aud: AUDIENCE, exp: seconds(T0) + 300 })).toString('base64url')}.${signature}`;
    await expect(verify(forged)).rejects.toBeInstanceOf(errors.JWSSignatureVerificationFailed);
  });
});

describe('the authenticator with its token cache', () => {
  it('takes the purpose of use from each request, not from the request that filled the cache', async () => {
    const keys = await ensureDemoKeys(fs.mkdtempSync(path.join(os.tmpdir(), 'cache-keys-')));
    const authenticate = createAuthenticator({ jwksFile: keys.jwksFile, issuer: ISSUER, audience: AUDIENCE });
    const token = await new SignJWT({ role: 'CLINICIAN' })
      .setProtectedHeader({ alg: 'ES256', kid: keys.privateJwk.kid! })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject('dr-purpose')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(await (await import('jose')).importJWK(keys.privateJwk, 'ES256'));
    const request = (purpose: string) =>
      ({ headers: { authorization: `Bearer ${token}`, 'x-purpose-of-use': purpose }, rawHeaders: ['authorization', `Bearer ${token}`, 'x-purpose-of-use', purpose] }) as unknown as IncomingMessage;
    expect(await authenticate(request('DIRECT_CARE'))).toMatchObject({ kind: 'user', user: { purposeOfUse: 'DIRECT_CARE', purposeSource: 'HEADER' } });
    expect(await authenticate(request('RESEARCH'))).toMatchObject({ kind: 'user', user: { purposeOfUse: 'RESEARCH', purposeSource: 'HEADER' } });
    expect(await authenticate(request('bad purpose!'))).toEqual({ kind: 'invalid', reason: 'purpose of use is malformed' });
  });
});
