import { deriveRegionSecret, SignatureVerifier, signRequest } from '../../lib/security/gatewaySignature';

describe('gateway request signatures', () => {
  const secret = deriveRegionSecret('master-key-for-tests', 'LDS');
  const body = '{"query":"{ __typename }"}';
  const now = 1_800_000_000_000;
  const created: SignatureVerifier[] = [];
  const verifier = () => {
    const v = new SignatureVerifier(secret, () => now);
    created.push(v);
    return v;
  };
  // Each verifier's nonce cache runs a timer; leaving them would keep jest's worker alive.
  afterEach(() => {
    for (const v of created.splice(0)) v.close();
  });

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

  it('accepts signatures up to 60 s away from its clock, either way, and no further', () => {
    const v = verifier();
    expect(v.verify(signRequest(secret, body, now - 60_000), body)).toEqual({ ok: true });
    expect(v.verify(signRequest(secret, body, now + 60_000), body)).toEqual({ ok: true });
    expect(v.verify(signRequest(secret, body, now + 60_001), body)).toEqual({ ok: false, reason: 'expired' });
  });
});
