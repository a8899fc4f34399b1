import { deriveRegionSecret, signRequest } from '../../lib/security/gatewaySignature';
import { requestNonce, signAnswer, verifyAnswer } from '../../lib/security/regionAnswerSignature';

describe('region answer signatures', () => {
  const secret = deriveRegionSecret('master-key-for-tests', 'LDS');
  const body = '{"data":{"_service":{"sdl":"type Query { x: Int }"}}}';
  const nonce = requestNonce(signRequest(secret, '{}', Date.now(), 'nonce-0001'))!;

  it('reads the nonce of the gateway request an answer belongs to', () => {
    expect(nonce).toBe('nonce-0001');
    expect(requestNonce(undefined)).toBeNull();
    expect(requestNonce('garbage')).toBeNull();
  });

  it("accepts only the region's own signature over this request's nonce and the exact body", () => {
    const signature = signAnswer(secret, nonce, body);
    expect(verifyAnswer(secret, nonce, signature, body)).toBe(true);
    expect(verifyAnswer(secret, nonce, signature, body.replace('x', 'y'))).toBe(false);
    expect(verifyAnswer(secret, 'nonce-0002', signature, body)).toBe(false);
    expect(verifyAnswer(deriveRegionSecret('master-key-for-tests', 'LON'), nonce, signature, body)).toBe(false);
    expect(verifyAnswer(secret, nonce, undefined, body)).toBe(false);
    expect(verifyAnswer(secret, nonce, 's=short', body)).toBe(false);
  });
});
