import { createHash } from 'node:crypto';
import { TAG } from '../bulk/DicomJson';
import { writeStudies } from '../db/studyWrites';
import type { StudyRecord } from '../StudyRecord';
import { firstString, type DicomJsonRecord } from './DicomWebClient';
import { fetchStudy } from './fetchStudy';
import type { PassCounts, SyncContext } from './SyncContext';
import type { KnownStudy, QuarantineEntry } from './SyncStore';

/** Studies fetched at once from one archive: enough to hide latency, few enough to be polite. */
const PARALLEL_FETCHES = 4;

/** A listing row's fingerprint: when it is unchanged, so is the study (cheap to compare, no detail fetch). */
export function fingerprintOf(row: DicomJsonRecord): string {
  const { [TAG.RetrieveURL]: _ignored, ...rest } = row;
  return createHash('sha256').update(JSON.stringify(rest)).digest('base64url');
}

/**
 * Brings the studies of some archive listing rows into the index: each is fetched in full,
 * validated like /ingest, and written with the same writeStudies as /ingest (so study-table
 * triggers see every write). Refused studies go to quarantine with their reasons; a study
 * accepted after a fix leaves it. With `known`, rows whose fingerprint matches what was
 * stored are counted unchanged without a fetch. Returns the last read failure, if any.
 */
export async function syncStudyRows(
  ctx: SyncContext,
  rows: DicomJsonRecord[],
  counts: PassCounts,
  known: Map<string, KnownStudy> | null,
): Promise<string | null> {
  const records = new Map<string, { record: StudyRecord; fingerprint: string }>();
  const quarantined: QuarantineEntry[] = [];
  let failure: string | null = null;
  const todo: Array<{ row: DicomJsonRecord; fingerprint: string }> = [];
  for (const row of rows) {
    counts.seen++;
    const uid = firstString(row, TAG.StudyInstanceUID)?.trim() ?? '';
    const fingerprint = fingerprintOf(row);
    const before = known?.get(uid);
    if (before && before.present && before.fingerprint === fingerprint) counts.unchanged++;
    else todo.push({ row, fingerprint });
  }
  for (let i = 0; i < todo.length; i += PARALLEL_FETCHES) {
    const slice = todo.slice(i, i + PARALLEL_FETCHES);
    const fetched = await Promise.all(slice.map((t) => fetchStudy(ctx.client, ctx.archive, t.row)));
    fetched.forEach((f, j) => {
      const { row, fingerprint } = slice[j]!;
      if (!f.ok) {
        counts.errors++;
        failure = f.reason;
        ctx.logger.warn({ archive: ctx.archive.name, reason: f.reason }, 'could not read a study from the archive');
        return;
      }
      const parsed = f.value;
      if (parsed.ok) {
        records.set(parsed.record.studyInstanceUid, { record: parsed.record, fingerprint });
        return;
      }
      const raw = firstString(row, TAG.StudyInstanceUID)?.trim();
      quarantined.push({ sourceKey: raw && raw !== '' ? raw.slice(0, 200) : `(no UID) ${fingerprint}`, studyInstanceUid: parsed.studyInstanceUid, reasons: parsed.reasons });
    });
  }
  if (quarantined.length > 0) {
    await ctx.store.quarantine(ctx.archive.name, quarantined);
    counts.quarantined += quarantined.length;
    ctx.logger.info({ archive: ctx.archive.name, quarantined: quarantined.length }, 'studies quarantined');
  }
  if (records.size > 0) {
    const client = await ctx.pool.connect();
    try {
      const written = await writeStudies(client, [...records.values()].map((r) => r.record));
      ctx.cache?.invalidate(written.affectedNhsNumbers, [...written.inserted, ...written.updated]);
      counts.upserted += written.inserted.length + written.updated.length;
      counts.unchanged += written.unchanged.length;
    } finally {
      client.release();
    }
    await ctx.store.accepted(ctx.archive.name, [...records.entries()].map(([uid, r]) => ({ uid, fingerprint: r.fingerprint })));
  }
  return failure;
}
