import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import NodeCache from 'node-cache';

/** Header carrying the gateway's signature on every request it sends to a region. */
export const SIGNATURE_HEADER = 'x-gateway-signature';
/** How far a signature's timestamp may be from the region's clock. */
const SIGNATURE_WINDOW_MS = 60_000;

/**
 * Each region's secret is derived from the gateway's master key, so the gateway holds one
 * secret and a region's compromise exposes only its own. An operator gives region R the
 * value of deriveRegionSecret(master, R) (scripts/regionSecret.ts prints it).
 */
export function deriveRegionSecret(masterKey: string, regionCode: string): string {
  return createHmac('sha256', masterKey).update(`region-secret:${regionCode.toUpperCase()}`).digest('base64url');
}

function mac(secret: string, timestamp: string, nonce: string, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${nonce}.`).update(body).digest('base64url');
}

/** `t=<ms>,n=<nonce>,s=<HMAC-SHA256 over "t.n.body">`. */
export function signRequest(secret: string, body: string, now = Date.now(), nonce: string = randomUUID()): string {
  const t = String(now);
  return `t=${t},n=${nonce},s=${mac(secret, t, nonce, body)}`;
}

export type SignatureCheck = { ok: true } | { ok: false; reason: 'missing' | 'malformed' | 'expired' | 'bad-signature' | 'replayed' };

const FORMAT = /^t=(\d{10,16}),n=([A-Za-z0-9-]{8,64}),s=([A-Za-z0-9_-]{43})$/;

/**
 * Verifies requests at a region: the body is exactly what the gateway signed, recently, and
 * this nonce has not been seen inside the window (a captured request cannot be replayed).
 */
export class SignatureVerifier {
  private readonly seen: NodeCache;

  constructor(private readonly secret: string, private readonly now: () => number = Date.now) {
    this.seen = new NodeCache({ stdTTL: (2 * SIGNATURE_WINDOW_MS) / 1000, checkperiod: 60, useClones: false, maxKeys: 1_000_000 });
  }

  verify(header: string | undefined, body: string): SignatureCheck {
    if (!header) return { ok: false, reason: 'missing' };
    const m = FORMAT.exec(header);
    if (!m) return { ok: false, reason: 'malformed' };
    const [, t, nonce, given] = m as unknown as [string, string, string, string];
    if (Math.abs(this.now() - Number(t)) > SIGNATURE_WINDOW_MS) return { ok: false, reason: 'expired' };
    const expected = Buffer.from(mac(this.secret, t, nonce, body));
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
