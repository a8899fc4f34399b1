import { signatureKeyId } from '../../lib/security/gatewaySignature';
import { parseKeyring, type Keyring } from '../../lib/security/Keyring';
import { ANSWER_SIGNATURE_HEADER, requestNonce, signAnswer } from '../../lib/security/regionAnswerSignature';

/**
 * The header signing one answer to the gateway request whose signature header is
 * `requestSignature`, under the key that request was signed with (during a rotation the
 * gateway may use either of two).
 */
export function answerHeaders(secrets: Keyring | string, requestSignature: string | string[] | undefined, body: string): Record<string, string> {
  const header = typeof requestSignature === 'string' ? requestSignature : undefined;
  const nonce = requestNonce(header);
  const secret = (typeof secrets === 'string' ? parseKeyring(secrets) : secrets).secrets.get(signatureKeyId(header));
  return nonce === null || secret === undefined ? {} : { [ANSWER_SIGNATURE_HEADER]: signAnswer(secret, nonce, body) };
}
