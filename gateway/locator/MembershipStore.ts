import type { Pool, PoolClient } from 'pg';
import { hashFromBigint, hashToBigint, type MembershipHash } from './LocatorKey';

/** The national side's durable record of one region's summary, for one locator key. */
export interface StoredMembership {
  epoch: string;
  publishedSeq: number;
}

export type AppendOutcome =
  | { kind: 'applied'; publishedSeq: number }
  /** The changes do not follow on from what is stored: send again from `publishedSeq`. */
  | { kind: 'gap'; publishedSeq: number };

/** The channel on which replicas tell each other that a region's summary grew. */
export const MEMBERSHIP_CHANNEL = 'locator_membership';

/**
 * Keyed membership hashes in the national database, shared by every gateway replica.
 * Each append is one transaction that stores the hashes, raises the region's published
 * sequence and notifies the other replicas (NOTIFY is delivered on commit only).
 */
export class MembershipStore {
  constructor(private readonly pool: Pool, private readonly keyId: string) {}

  async read(region: string): Promise<StoredMembership | null> {
    const { rows } = await this.pool.query<{ epoch: string; published_seq: string }>(
      'SELECT epoch::text AS epoch, published_seq::text AS published_seq FROM region_membership WHERE key_id = $1 AND region = $2',
      [this.keyId, region],
    );
    const row = rows[0];
    return row ? { epoch: row.epoch, publishedSeq: Number(row.published_seq) } : null;
  }

  /** Hashes first added after `afterSeq` (all of them from 0), up to `uptoSeq`. */
  async hashes(region: string, afterSeq: number, uptoSeq: number): Promise<MembershipHash[]> {
    const { rows } = await this.pool.query<{ hash: string }>(
      'SELECT hash::text AS hash FROM membership_hash WHERE key_id = $1 AND region = $2 AND seq > $3 AND seq <= $4',
      [this.keyId, region, afterSeq, uptoSeq],
    );
    return rows.map((r) => hashFromBigint(r.hash));
  }

  /**
   * Stores changes (fromSeq, toSeq] of a region's log. A new epoch (the region's database
   * was rebuilt) or `reset` (its sequence went backwards: restored from a backup) replaces
   * the summary, and must then start from 0.
   */
  async append(region: string, epoch: string, fromSeq: number, toSeq: number, hashes: MembershipHash[], reset = false): Promise<AppendOutcome> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<{ epoch: string; published_seq: string }>(
        'SELECT epoch::text AS epoch, published_seq::text AS published_seq FROM region_membership WHERE key_id = $1 AND region = $2 FOR UPDATE',
        [this.keyId, region],
      );
      const stored = rows[0];
      if (!stored || stored.epoch !== epoch || reset) {
        if (fromSeq !== 0) {
          await client.query('ROLLBACK');
          return { kind: 'gap', publishedSeq: 0 };
        }
        await client.query('DELETE FROM membership_hash WHERE key_id = $1 AND region = $2', [this.keyId, region]);
        await client.query(
          `INSERT INTO region_membership (key_id, region, epoch, published_seq) VALUES ($1, $2, $3, 0)
           ON CONFLICT (key_id, region) DO UPDATE SET epoch = EXCLUDED.epoch, published_seq = 0, updated_at = now()`,
          [this.keyId, region, epoch],
        );
      } else if (fromSeq > Number(stored.published_seq)) {
        await client.query('ROLLBACK');
        return { kind: 'gap', publishedSeq: Number(stored.published_seq) };
      }
      await insertHashes(client, this.keyId, region, toSeq, hashes);
      const updated = await client.query<{ published_seq: string }>(
        `UPDATE region_membership SET published_seq = CASE WHEN $4 THEN $3 ELSE GREATEST(published_seq, $3) END, updated_at = now()
         WHERE key_id = $1 AND region = $2 RETURNING published_seq::text AS published_seq`,
        [this.keyId, region, toSeq, reset],
      );
      await client.query('SELECT pg_notify($1, $2)', [MEMBERSHIP_CHANNEL, region]);
      await client.query('COMMIT');
      return { kind: 'applied', publishedSeq: Number(updated.rows[0]!.published_seq) };
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }
}

async function insertHashes(client: PoolClient, keyId: string, region: string, seq: number, hashes: MembershipHash[]): Promise<void> {
  const BATCH = 10_000;
  for (let i = 0; i < hashes.length; i += BATCH) {
    const slice = hashes.slice(i, i + BATCH).map((h) => hashToBigint(h).toString());
    await client.query(
      `INSERT INTO membership_hash (key_id, region, hash, seq) SELECT $1, $2, h, $3 FROM unnest($4::bigint[]) AS h
       ON CONFLICT DO NOTHING`,
      [keyId, region, seq, slice],
    );
  }
}
