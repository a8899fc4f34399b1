import type { Pool } from 'pg';
import type { MembershipChanges, MembershipPosition } from '../../../lib/locator/membershipProtocol';

/** The region's membership position: its database epoch and high-water mark. */
export async function readMembershipPosition(pool: Pool): Promise<MembershipPosition> {
  const { rows } = await pool.query<{ epoch: string; seq: string }>(
    'SELECT epoch::text AS epoch, (SELECT coalesce(max(seq), 0) FROM membership_change)::text AS seq FROM membership_state',
  );
  const row = rows[0];
  if (!row) throw new Error('membership_state is empty: migrations not applied?');
  return { epoch: row.epoch, seq: Number(row.seq) };
}

/**
 * Changes after `since`, at most `limit` rows of the log (NHS numbers de-duplicated).
 * `toSeq` is the last sequence read, or the position itself when nothing is pending, so a
 * caller pages with `since = toSeq` until `toSeq = seq`.
 */
export async function readMembershipChanges(pool: Pool, region: string, since: number, limit: number): Promise<MembershipChanges> {
  const position = await readMembershipPosition(pool);
  const { rows } = await pool.query<{ seq: string; nhs_number: string }>(
    'SELECT seq::text AS seq, nhs_number FROM membership_change WHERE seq > $1 ORDER BY seq LIMIT $2',
    [since, limit],
  );
  const last = rows.length > 0 ? Number(rows[rows.length - 1]!.seq) : Math.max(since, position.seq);
  return {
    region,
    ...position,
    // Rows committed after the position was read can appear in the page; the position
    // must never be behind what we send.
    seq: Math.max(position.seq, last),
    fromSeq: since,
    toSeq: rows.length === limit ? last : Math.max(last, position.seq),
    nhsNumbers: [...new Set(rows.map((r) => r.nhs_number))],
  };
}
