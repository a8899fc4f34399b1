import { createHmac } from 'node:crypto';

/** A keyed hash of one NHS number: 64 bits, as two unsigned 32-bit halves. */
export interface MembershipHash {
  hi: number;
  lo: number;
}

/**
 * The national locator key. Summaries hold HMAC-SHA256(key, NHS number) cut to 64 bits,
 * never the number: without the key, a summary (in memory or in the national database)
 * cannot be tested for a given NHS number, and the key never leaves the gateway side.
 * 64 bits is plenty for routing: two patients sharing a hash costs one wasted region call.
 */
export class LocatorKey {
  /** A fingerprint naming the key in the database (not the key: an HMAC of a constant). */
  readonly id: string;

  constructor(private readonly key: string) {
    if (key.length < 16) throw new Error('the locator key must be at least 16 characters');
    this.id = createHmac('sha256', key).update('locator-key-id').digest('hex').slice(0, 16);
  }

  /** The key derived from the gateway's master signing key, when no separate key is configured. */
  static derivedFrom(masterKey: string): LocatorKey {
    return new LocatorKey(createHmac('sha256', masterKey).update('patient-locator-key').digest('base64url'));
  }

  hash(nhsNumber: string): MembershipHash {
    const digest = createHmac('sha256', this.key).update(nhsNumber).digest();
    return { hi: digest.readUInt32BE(0), lo: digest.readUInt32BE(4) };
  }
}

/** As PostgreSQL's signed bigint (the form stored in membership_hash). */
export function hashToBigint(h: MembershipHash): bigint {
  return BigInt.asIntN(64, (BigInt(h.hi) << 32n) | BigInt(h.lo));
}

export function hashFromBigint(value: bigint | string): MembershipHash {
  const u = BigInt.asUintN(64, BigInt(value));
  return { hi: Number(u >> 32n), lo: Number(u & 0xffffffffn) };
}
