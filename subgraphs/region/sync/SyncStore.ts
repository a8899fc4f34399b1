import type { Pool } from 'pg';

/** A study this archive supplied, as the sync remembers it. */
export interface KnownStudy {
  fingerprint: string | null;
  present: boolean;
}

export interface QuarantineEntry {
  /** The study's UID as the archive sent it (or a stand-in when it sent none). */
  sourceKey: string;
  studyInstanceUid: string | null;
  reasons: string[];
}

/**
 * The sync's state in the region database, next to the index it feeds: per archive, the
 * change-feed checkpoint, the studies it supplied and its quarantine. Kept there so a
 * crashed or moved sync resumes where the index actually is.
 */
export class SyncStore {
  constructor(private readonly pool: Pool) {}

  async ensureArchive(archive: string): Promise<void> {
    await this.pool.query('INSERT INTO sync_archive (archive) VALUES ($1) ON CONFLICT DO NOTHING', [archive]);
  }

  async checkpoint(archive: string): Promise<number | null> {
    const { rows } = await this.pool.query<{ change_seq: string | null }>('SELECT change_seq FROM sync_archive WHERE archive = $1', [archive]);
    const seq = rows[0]?.change_seq;
    return seq === null || seq === undefined ? null : Number(seq);
  }

  async saveCheckpoint(archive: string, seq: number): Promise<void> {
    await this.pool.query(
      `UPDATE sync_archive SET change_seq = $2, last_change_at = CASE WHEN change_seq IS DISTINCT FROM $2 THEN now() ELSE last_change_at END,
       updated_at = now() WHERE archive = $1`,
      [archive, seq],
    );
  }

  async known(archive: string): Promise<Map<string, KnownStudy>> {
    const { rows } = await this.pool.query<{ study_instance_uid: string; fingerprint: string | null; present: boolean }>(
      'SELECT study_instance_uid, fingerprint, present FROM sync_study WHERE archive = $1',
      [archive],
    );
    return new Map(rows.map((r) => [r.study_instance_uid, { fingerprint: r.fingerprint, present: r.present }]));
  }

  async presentCount(archive: string): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>('SELECT count(*) AS n FROM sync_study WHERE archive = $1 AND present', [archive]);
    return Number(rows[0]?.n ?? 0);
  }

  /** Studies stored from this archive: remembered as present, and out of its quarantine. */
  async accepted(archive: string, studies: Array<{ uid: string; fingerprint: string | null }>): Promise<void> {
    if (studies.length === 0) return;
    await this.pool.query(
      `INSERT INTO sync_study (archive, study_instance_uid, fingerprint, present, seen_at)
       SELECT $1, u, f, true, now() FROM unnest($2::text[], $3::text[]) AS t(u, f)
       ON CONFLICT (archive, study_instance_uid) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, present = true, seen_at = now()`,
      [archive, studies.map((s) => s.uid), studies.map((s) => s.fingerprint)],
    );
    await this.pool.query('DELETE FROM sync_quarantine WHERE archive = $1 AND source_key = ANY($2)', [archive, studies.map((s) => s.uid)]);
  }

  async quarantine(archive: string, entries: QuarantineEntry[]): Promise<void> {
    for (const e of entries) {
      await this.pool.query(
        `INSERT INTO sync_quarantine (archive, source_key, study_instance_uid, reasons) VALUES ($1, $2, $3, $4)
         ON CONFLICT (archive, source_key) DO UPDATE SET reasons = EXCLUDED.reasons, study_instance_uid = EXCLUDED.study_instance_uid, last_seen_at = now()`,
        [archive, e.sourceKey, e.studyInstanceUid, e.reasons],
      );
    }
  }

  /**
   * Marks studies this archive no longer lists as NOT_IN_ARCHIVE, through the study table
   * (so whatever watches study writes sees it). A study another archive still holds, or
   * one entered in error, keeps its status. Returns the NHS numbers and UIDs changed.
   */
  async markNotInArchive(archive: string, uids: string[]): Promise<{ uids: string[]; nhsNumbers: string[] }> {
    if (uids.length === 0) return { uids: [], nhsNumbers: [] };
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<{ study_instance_uid: string; nhs_number: string }>(
        `UPDATE study s SET status = 'NOT_IN_ARCHIVE', updated_at = now()
         WHERE s.study_instance_uid = ANY($2) AND s.status = 'AVAILABLE'
           AND NOT EXISTS (SELECT 1 FROM sync_study o WHERE o.study_instance_uid = s.study_instance_uid AND o.archive <> $1 AND o.present)
         RETURNING s.study_instance_uid, s.nhs_number`,
        [archive, uids],
      );
      await client.query('UPDATE sync_study SET present = false WHERE archive = $1 AND study_instance_uid = ANY($2)', [archive, uids]);
      await client.query('COMMIT');
      return { uids: rows.map((r) => r.study_instance_uid), nhsNumbers: rows.map((r) => r.nhs_number) };
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  async savePass(archive: string, pass: object, error: string | null, reconciled: boolean): Promise<void> {
    await this.pool.query(
      `UPDATE sync_archive SET last_pass_at = now(), last_pass = $2, updated_at = now(),
         last_error = COALESCE($3, last_error), last_error_at = CASE WHEN $3::text IS NULL THEN last_error_at ELSE now() END,
         last_reconciled_at = CASE WHEN $4 THEN now() ELSE last_reconciled_at END
       WHERE archive = $1`,
      [archive, JSON.stringify(pass), error, reconciled],
    );
  }
}
