import { deriveRegionSecret, SignatureVerifier, signRequest } from '../../lib/security/gatewaySignature';

describe('gateway request signatures', () => {
  const secret = deriveRegionSecret('master-key-for-tests', 'LDS');
  const body = '{"query":"{ __typename }"}';
  let now = 1_800_000_000_000;
  const verifier = () => new SignatureVerifier(secret, () => now);

  it('derives a different secret per region', () => {
    expect(deriveRegionSecret('master-key-for-tests', 'LON')).not.toBe(secret);
    expect(deriveRegionSecret('master-key-for-tests', 'lds')).toBe(secret);
  });

  it('accepts a fresh signature over the exact body', () => {
    expect(verifier().verify(signRequest(secret, body, now), body)).toEqual({ ok: true });
  });

  it('rejects a missing, malformed, tampered, foreign or stale signature', () => {
    const v = verifier();
    expect(v.verify(undefined, body)).toEqual({ ok: false, reason: 'missing' });
    expect(v.verify('sig', body)).toEqual({ ok: false, reason: 'malformed' });
    expect(v.verify(signRequest(secret, body, now), `${body} `)).toEqual({ ok: false, reason: 'bad-signature' });
    expect(v.verify(signRequest(deriveRegionSecret('master-key-for-tests', 'LON'), body, now), body)).toEqual({ ok: false, reason: 'bad-signature' });
    expect(v.verify(signRequest(secret, body, now - 61_000), body)).toEqual({ ok: false, reason: 'expired' });
  });

  it('rejects the same signed request a second time', () => {
    const v = verifier();
    const header = signRequest(secret, body, now);
    expect(v.verify(header, body).ok).toBe(true);
    expect(v.verify(header, body)).toEqual({ ok: false, reason: 'replayed' });
  });

  afterAll(() => {
    now = 0;
  });
});
