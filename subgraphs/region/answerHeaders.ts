import { ANSWER_SIGNATURE_HEADER, requestNonce, signAnswer } from '../../lib/security/regionAnswerSignature';

/** The header signing one answer to the gateway request whose signature header is `requestSignature`. */
export function answerHeaders(secret: string, requestSignature: string | string[] | undefined, body: string): Record<string, string> {
  const nonce = requestNonce(typeof requestSignature === 'string' ? requestSignature : undefined);
  return nonce === null ? {} : { [ANSWER_SIGNATURE_HEADER]: signAnswer(secret, nonce, body) };
}
