import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import NodeCache from 'node-cache';
import { DEFAULT_KEY_ID, parseKeyring, signingSecret, type Keyring } from './Keyring';

/** Header carrying the gateway's signature on every request it sends to a region. */
export const SIGNATURE_HEADER = 'x-gateway-signature';
/** How far a signature's timestamp may be from the region's clock. */
const SIGNATURE_WINDOW_MS = 60_000;

/**
 * Each region's secret is derived from the gateway's master key, so the gateway holds one
 * secret and a region's compromise exposes only its own. An operator gives region R the
 * value of deriveRegionSecret(master, R) (scripts/regionSecret.ts prints it).
 */
export function deriveRegionSecret(masterKey: string, regionCode: string, keyId: string = DEFAULT_KEY_ID): string {
  // Key 1 keeps the original derivation, so secrets handed out before key ids stay valid.
  const label = `region-secret:${regionCode.toUpperCase()}${keyId === DEFAULT_KEY_ID ? '' : `:${keyId}`}`;
  return createHmac('sha256', masterKey).update(label).digest('base64url');
}

function mac(secret: string, timestamp: string, nonce: string, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${nonce}.`).update(body).digest('base64url');
}

/** `t=<ms>,n=<nonce>,k=<key id>,s=<HMAC-SHA256 over "t.n.body">`, under the secret of that key id. */
export function signRequest(secret: string, body: string, now = Date.now(), nonce: string = randomUUID(), keyId: string = DEFAULT_KEY_ID): string {
  const t = String(now);
  return `t=${t},n=${nonce},k=${keyId},s=${mac(secret, t, nonce, body)}`;
}

/** Signs with the keyring's signing key. */
export function signWithKeyring(keyring: Keyring, body: string): string {
  return signRequest(signingSecret(keyring), body, Date.now(), randomUUID(), keyring.signingId);
}

/** The key id a signature header names (key 1 when it names none). */
export function signatureKeyId(header: string | undefined): string {
  return (header ? /(?:^|,)k=([A-Za-z0-9]{1,16}),/.exec(header)?.[1] : undefined) ?? DEFAULT_KEY_ID;
}

export type SignatureCheck = { ok: true } | { ok: false; reason: 'missing' | 'malformed' | 'expired' | 'unknown-key' | 'bad-signature' | 'replayed' };

const FORMAT = /^t=(\d{10,16}),n=([A-Za-z0-9-]{8,64}),(?:k=([A-Za-z0-9]{1,16}),)?s=([A-Za-z0-9_-]{43})$/;

/**
 * Verifies requests at a region: the body is exactly what the gateway signed, recently, and
 * this nonce has not been seen inside the window (a captured request cannot be replayed).
 */
export class SignatureVerifier {
  private readonly seen: NodeCache;
  private readonly keyring: Keyring;

  /** @param secrets a keyring, or a keyring spec (lib/security/Keyring.ts): every key in it is accepted. */
  constructor(secrets: Keyring | string, private readonly now: () => number = Date.now) {
    this.keyring = typeof secrets === 'string' ? parseKeyring(secrets) : secrets;
    this.seen = new NodeCache({ stdTTL: (2 * SIGNATURE_WINDOW_MS) / 1000, checkperiod: 60, useClones: false, maxKeys: 1_000_000 });
  }

  verify(header: string | undefined, body: string): SignatureCheck {
    if (!header) return { ok: false, reason: 'missing' };
    const m = FORMAT.exec(header);
    if (!m) return { ok: false, reason: 'malformed' };
    const [, t, nonce, keyId, given] = m as unknown as [string, string, string, string | undefined, string];
    if (Math.abs(this.now() - Number(t)) > SIGNATURE_WINDOW_MS) return { ok: false, reason: 'expired' };
    const secret = this.keyring.secrets.get(keyId ?? DEFAULT_KEY_ID);
    if (secret === undefined) return { ok: false, reason: 'unknown-key' };
    const expected = Buffer.from(mac(secret, t, nonce, body));
    const actual = Buffer.from(given);
    if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return { ok: false, reason: 'bad-signature' };
    if (this.seen.has(nonce)) return { ok: false, reason: 'replayed' };
    try {
      this.seen.set(nonce, true);
    } catch {
      // Cache full: refuse rather than lose replay protection.
      return { ok: false, reason: 'replayed' };
    }
    return { ok: true };
  }

  close(): void {
    this.seen.close();
  }
}
