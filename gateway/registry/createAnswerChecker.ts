import { deriveRegionSecret, SIGNATURE_HEADER, signatureKeyId } from '../../lib/security/gatewaySignature';
import { requestNonce, verifyAnswer } from '../../lib/security/regionAnswerSignature';

/**
 * Whether an answer really comes from the region `code`: signed with that region's secret
 * over the nonce of the request we sent (`sentHeaders`) and the exact body. An answer that
 * fails this is not trusted at all, neither its data nor its errors.
 */
export type AnswerChecker = (code: string, sentHeaders: Record<string, string>, answerSignature: string | undefined, body: string) => boolean;

/** The one checker for every answer from a region (fan-out, registration, membership reads). */
export function createAnswerChecker(masterKey: string): AnswerChecker {
  const secrets = new Map<string, string>();
  return (code, sentHeaders, answerSignature, body) => {
    const nonce = requestNonce(sentHeaders[SIGNATURE_HEADER]);
    if (nonce === null) return false;
    // The answer is under the key our request was signed with.
    const keyId = signatureKeyId(sentHeaders[SIGNATURE_HEADER]);
    let secret = secrets.get(`${code}:${keyId}`);
    if (!secret) secrets.set(`${code}:${keyId}`, (secret = deriveRegionSecret(masterKey, code, keyId)));
    return verifyAnswer(secret, nonce, answerSignature, body);
  };
}
