import { deriveRegionSecret, SignatureVerifier, signRequest } from '../../lib/security/gatewaySignature';
import { parseKeyring } from '../../lib/security/Keyring';

describe('region keyrings', () => {
  it('reads "id:secret" entries, the first signing, and a bare secret as key 1', () => {
    expect(parseKeyring('2:new,1:old')).toEqual({ signingId: '2', secrets: new Map([['2', 'new'], ['1', 'old']]) });
    expect(parseKeyring('plain')).toEqual({ signingId: '1', secrets: new Map([['1', 'plain']]) });
    expect(() => parseKeyring('')).toThrow(/empty/);
    expect(() => parseKeyring('1:a,1:b')).toThrow(/twice/);
  });

  it('accepts a signature under any key it holds, and refuses a key id it does not hold', () => {
    const one = deriveRegionSecret('master', 'LDS', '1');
    const two = deriveRegionSecret('master', 'LDS', '2');
    const both = new SignatureVerifier(`2:${two},1:${one}`);
    const newOnly = new SignatureVerifier(`2:${two}`);
    try {
      expect(both.verify(signRequest(one, 'b', Date.now(), 'nonce-0001', '1'), 'b')).toEqual({ ok: true });
      expect(both.verify(signRequest(two, 'b', Date.now(), 'nonce-0002', '2'), 'b')).toEqual({ ok: true });
      expect(newOnly.verify(signRequest(one, 'b', Date.now(), 'nonce-0003', '1'), 'b')).toEqual({ ok: false, reason: 'unknown-key' });
      // A secret presented under another key's id does not verify.
      expect(newOnly.verify(signRequest(one, 'b', Date.now(), 'nonce-0004', '2'), 'b')).toEqual({ ok: false, reason: 'bad-signature' });
    } finally {
      both.close();
      newOnly.close();
    }
  });

  it('keeps key 1 equal to the secret handed out before key ids existed', () => {
    expect(deriveRegionSecret('master', 'LDS', '1')).toBe(deriveRegionSecret('master', 'LDS'));
    expect(deriveRegionSecret('master', 'LDS', '2')).not.toBe(deriveRegionSecret('master', 'LDS'));
  });
});
