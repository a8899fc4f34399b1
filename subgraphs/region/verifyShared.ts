import { type SignatureCheck, type SignatureVerifier } from '../../lib/security/gatewaySignature';
import { requestNonce } from '../../lib/security/regionAnswerSignature';
import type { NonceStore } from './createNonceStore';

/**
 * A gateway signature checked by this process (signature, freshness, its own replay memory)
 * and then claimed in the region's database, so that no other replica of the region
 * accepts the same request again.
 */
export async function verifyShared(verifier: SignatureVerifier, nonces: NonceStore, header: string | undefined, signedBody: string): Promise<SignatureCheck> {
  const check = verifier.verify(header, signedBody);
  if (!check.ok) return check;
  const nonce = requestNonce(header);
  if (nonce === null || !(await nonces.claim(nonce))) return { ok: false, reason: 'replayed' };
  return check;
}
