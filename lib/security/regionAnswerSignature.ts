import { createHmac, timingSafeEqual } from 'node:crypto';

/** Header carrying a region's signature on its answer to a gateway request. */
export const ANSWER_SIGNATURE_HEADER = 'x-region-answer-signature';

const NONCE = /(?:^|,)n=([A-Za-z0-9-]{8,64})(?:,|$)/;
const ANSWER = /^s=([A-Za-z0-9_-]{43})$/;

/** The nonce of a gateway request signature (`t=..,n=<nonce>,s=..`), or null. */
export function requestNonce(requestSignature: string | undefined): string | null {
  return requestSignature ? (NONCE.exec(requestSignature)?.[1] ?? null) : null;
}

function mac(secret: string, nonce: string, body: string): string {
  // Bound to its purpose and to the request's fresh nonce: an answer can never be replayed
  // for another request, nor pass as a request or a membership message.
  return createHmac('sha256', secret).update(`region-answer\n${nonce}\n`).update(body).digest('base64url');
}

/**
 * A region signs every answer to the gateway with its own secret over the nonce of the
 * request it answers (the gateway's fresh challenge) and the exact body. Answering a
 * registration check this way is the region's proof that it holds the secret for its code.
 */
export function signAnswer(secret: string, nonce: string, body: string): string {
  return `s=${mac(secret, nonce, body)}`;
}

/** Whether `header` is the region's signature over `body` for the request that carried `nonce`. */
export function verifyAnswer(secret: string, nonce: string, header: string | undefined, body: string): boolean {
  const m = header ? ANSWER.exec(header) : null;
  if (!m) return false;
  const expected = Buffer.from(mac(secret, nonce, body));
  const actual = Buffer.from(m[1]!);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
