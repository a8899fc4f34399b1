import type { Pool } from 'pg';
import type { User } from '../../../lib/auth/Principal';
import { parseDicomUid } from '../../../lib/domain/dicomValues';
import { parseNhsNumber } from '../../../lib/domain/parseNhsNumber';
import { badUserInput } from '../errors';
import { recordRegionAudit } from './recordRegionAudit';

/** The /ingest request context: the caller verified by the endpoint's token check. */
export interface IngestContext {
  user: User | null;
}

const MAX_QUARANTINE = 1000;

function requireUser(ctx: IngestContext): User {
  // The endpoint refuses requests without an allowed token before resolvers run; this is a bug guard.
  if (!ctx.user) throw new Error('no verified caller on an /ingest request');
  return ctx.user;
}

const iso = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`;

/**
 * Read-only queries for the region team on /ingest (ARCHIVE token of this region, or
 * ADMIN): sync status per archive, the quarantine, and the region's own index entries by
 * UID or NHS number. Reads that show patient data are audited in region_audit_event.
 */
export function createRegionTeamReads(pool: Pool) {
  return {
    syncStatus: async () => {
      const { rows } = await pool.query(
        `SELECT a.archive, a.change_seq, ${iso('a.last_change_at')} AS last_change_at, ${iso('a.last_pass_at')} AS last_pass_at,
           extract(epoch FROM now() - a.last_pass_at)::int AS lag_seconds, a.last_pass, a.last_error, ${iso('a.last_error_at')} AS last_error_at,
           ${iso('a.last_reconciled_at')} AS last_reconciled_at,
           (SELECT count(*)::int FROM sync_study s WHERE s.archive = a.archive AND s.present) AS studies,
           (SELECT count(*)::int FROM sync_study s WHERE s.archive = a.archive AND NOT s.present) AS not_in_archive,
           (SELECT count(*)::int FROM sync_quarantine q WHERE q.archive = a.archive) AS quarantined
         FROM sync_archive a ORDER BY a.archive`,
      );
      return rows.map((r) => ({
        archive: r.archive,
        lastChangeSeq: r.change_seq === null ? null : Number(r.change_seq),
        lastChangeAt: r.last_change_at,
        lagSeconds: r.lag_seconds,
        lastPassAt: r.last_pass_at,
        lastPass: r.last_pass,
        lastError: r.last_error,
        lastErrorAt: r.last_error_at,
        lastReconciledAt: r.last_reconciled_at,
        studies: r.studies,
        notInArchive: r.not_in_archive,
        quarantined: r.quarantined,
      }));
    },
    quarantine: async (_: unknown, args: { archive?: string | null; first?: number | null }, ctx: IngestContext) => {
      const user = requireUser(ctx);
      const first = args.first ?? 100;
      if (!Number.isInteger(first) || first < 1 || first > MAX_QUARANTINE) throw badUserInput(`first must be between 1 and ${MAX_QUARANTINE}`);
      const { rows } = await pool.query(
        `SELECT archive, study_instance_uid, reasons, ${iso('first_seen_at')} AS first_seen_at, ${iso('last_seen_at')} AS last_seen_at
         FROM sync_quarantine WHERE $1::text IS NULL OR archive = $1 ORDER BY last_seen_at DESC, source_key LIMIT $2`,
        [args.archive ?? null, first],
      );
      await recordRegionAudit(pool, { user, operation: 'quarantine', nhsNumbers: [], studyUids: rows.flatMap((r) => (r.study_instance_uid ? [r.study_instance_uid] : [])), resultCount: rows.length });
      return rows.map((r) => ({ archive: r.archive, studyInstanceUid: r.study_instance_uid, reasons: r.reasons, firstSeenAt: r.first_seen_at, lastSeenAt: r.last_seen_at }));
    },
    indexedStudies: async (_: unknown, args: { studyInstanceUid?: string | null; nhsNumber?: string | null }, ctx: IngestContext) => {
      const user = requireUser(ctx);
      if ((args.studyInstanceUid == null) === (args.nhsNumber == null)) throw badUserInput('give exactly one of studyInstanceUid and nhsNumber');
      let where: string;
      let value: string;
      if (args.nhsNumber != null) {
        const nhs = parseNhsNumber(args.nhsNumber);
        if (!nhs.ok) throw badUserInput(nhs.reason);
        where = 'st.nhs_number = $1';
        value = nhs.value;
      } else {
        const uid = parseDicomUid(args.studyInstanceUid, 'studyInstanceUid');
        if (!uid.ok) throw badUserInput(uid.reason);
        where = 'st.study_instance_uid = $1';
        value = uid.value;
      }
      const { rows } = await pool.query(
        `SELECT st.study_instance_uid, st.nhs_number, st.accession_number, to_char(st.study_date, 'YYYY-MM-DD') AS study_date,
           to_char(st.study_time, 'HH24:MI:SS') AS study_time, st.modalities, st.description, st.status, st.wado_rs_url, st.viewer_url,
           ${iso('st.updated_at')} AS updated_at,
           COALESCE((SELECT array_agg(s.archive ORDER BY s.archive) FROM sync_study s WHERE s.study_instance_uid = st.study_instance_uid), '{}') AS archives
         FROM study st WHERE ${where} ORDER BY st.study_date DESC NULLS LAST, st.study_instance_uid`,
        [value],
      );
      await recordRegionAudit(pool, {
        user,
        operation: 'indexedStudies',
        nhsNumbers: [...new Set([...(args.nhsNumber != null ? [value] : []), ...rows.map((r) => String(r.nhs_number).trim())])],
        studyUids: rows.map((r) => r.study_instance_uid),
        resultCount: rows.length,
      });
      return rows.map((r) => ({
        studyInstanceUid: r.study_instance_uid, nhsNumber: String(r.nhs_number).trim(), accessionNumber: r.accession_number, studyDate: r.study_date,
        studyTime: r.study_time, modalities: r.modalities, description: r.description, status: r.status, wadoRsUrl: r.wado_rs_url,
        viewerUrl: r.viewer_url, archives: r.archives, updatedAt: r.updated_at,
      }));
    },
  };
}
