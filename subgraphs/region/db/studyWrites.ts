import type { PoolClient } from 'pg';
import type { SeriesRecord, StudyRecord, UnsaidField } from '../StudyRecord';

/** Study columns written by ingest, with their SQL types, in one fixed order. */
export const STUDY_COLUMNS = [
  ['study_instance_uid', 'text'],
  ['nhs_number', 'text'],
  ['local_patient_id', 'text'],
  ['issuer_of_patient_id', 'text'],
  ['accession_number', 'text'],
  ['study_date', 'date'],
  ['study_time', 'time'],
  ['modalities', 'text[]'],
  ['description', 'text'],
  ['body_part_examined', 'text'],
  ['referring_physician', 'text'],
  ['series_count', 'integer'],
  ['instance_count', 'integer'],
  ['availability', 'text'],
  ['ods_code', 'text'],
  ['organisation_name', 'text'],
  ['status', 'text'],
  ['wado_rs_url', 'text'],
  ['viewer_url', 'text'],
] as const;

/** Which stored columns an unsaid field stands for. */
const UNSAID_COLUMNS: Record<UnsaidField, readonly string[]> = {
  localPatientId: ['local_patient_id'],
  issuerOfPatientId: ['issuer_of_patient_id'],
  accessionNumber: ['accession_number'],
  studyDate: ['study_date'],
  studyTime: ['study_time'],
  modalities: ['modalities'],
  description: ['description'],
  bodyPartExamined: ['body_part_examined'],
  referringPhysicianName: ['referring_physician'],
  numberOfStudyRelatedSeries: ['series_count'],
  numberOfStudyRelatedInstances: ['instance_count'],
  instanceAvailability: ['availability'],
  performingOrganisation: ['ods_code', 'organisation_name'],
  wadoRsUrl: ['wado_rs_url'],
  viewerUrl: ['viewer_url'],
};

/** What a write source (staging table, recordset) carries: the study columns plus the columns to keep. */
export const SOURCE_COLUMNS = [...STUDY_COLUMNS, ['keep_columns', 'text[]']] as const;

export const SERIES_COLUMNS = [
  ['series_instance_uid', 'text'],
  ['study_instance_uid', 'text'],
  ['series_number', 'integer'],
  ['modality', 'text'],
  ['description', 'text'],
  ['body_part_examined', 'text'],
  ['instance_count', 'integer'],
] as const;

type Cell = string | number | string[] | null;

/** A study as a row of {@link SOURCE_COLUMNS}. */
export function studyRow(r: StudyRecord): Cell[] {
  const keep = (r.unsaid ?? []).flatMap((f) => UNSAID_COLUMNS[f]);
  return [
    r.studyInstanceUid, r.nhsNumber, r.localPatientId, r.issuerOfPatientId, r.accessionNumber,
    r.studyDate, r.studyTime, r.modalities, r.description, r.bodyPartExamined, r.referringPhysicianName,
    r.numberOfStudyRelatedSeries, r.numberOfStudyRelatedInstances, r.instanceAvailability,
    r.odsCode, r.organisationName, r.status, r.wadoRsUrl, r.viewerUrl, keep,
  ];
}

/** A series as a row of {@link SERIES_COLUMNS}. */
export function seriesRow(studyUid: string, s: SeriesRecord): Cell[] {
  return [s.seriesInstanceUid, studyUid, s.seriesNumber, s.modality, s.description, s.bodyPartExamined, s.instanceCount];
}

const studyNames = STUDY_COLUMNS.map(([c]) => c);
const seriesNames = SERIES_COLUMNS.map(([c]) => c);

/**
 * INSERT ... SELECT from `source` that is idempotent by StudyInstanceUID: a row equal to
 * the stored one is not touched (no new updated_at, no dead tuple), a changed one is
 * updated. RETURNING lists only rows that were inserted or changed. `source` is a
 * staging table (bulk loader) or a jsonb_to_recordset call (ingest API, sync), with the
 * columns of {@link SOURCE_COLUMNS}: a column named in `keep_columns` keeps its stored
 * value (the source did not say it).
 */
export function mergeStudiesSql(source: string): string {
  const cols = studyNames.join(', ');
  const values = studyNames
    .map((c) => {
      // No status: keep the stored one, except that a write of a study reconciliation had
      // found missing from its archive means the archive holds it again.
      if (c === 'status') return `COALESCE(src.status, NULLIF(cur.status, 'NOT_IN_ARCHIVE'), 'AVAILABLE')`;
      if (c === 'study_instance_uid' || c === 'nhs_number') return `src.${c}`;
      return `CASE WHEN '${c}' = ANY(src.keep_columns) AND cur.study_instance_uid IS NOT NULL THEN cur.${c} ELSE src.${c} END`;
    })
    .join(', ');
  const set = studyNames.filter((c) => c !== 'study_instance_uid').map((c) => `${c} = EXCLUDED.${c}`).join(', ');
  const mine = studyNames.map((c) => `study.${c}`).join(', ');
  const theirs = studyNames.map((c) => `EXCLUDED.${c}`).join(', ');
  return `INSERT INTO study (${cols}) SELECT ${values} FROM (SELECT * FROM ${source}) AS src
LEFT JOIN study cur ON cur.study_instance_uid = src.study_instance_uid
ON CONFLICT (study_instance_uid) DO UPDATE SET ${set}, updated_at = now()
WHERE (${mine}) IS DISTINCT FROM (${theirs})
RETURNING study_instance_uid, (xmax = 0) AS inserted`;
}

/** Same idea for series; a series that moved to another study follows it. */
export function mergeSeriesSql(source: string): string {
  const cols = seriesNames.join(', ');
  const set = seriesNames.filter((c) => c !== 'series_instance_uid').map((c) => `${c} = EXCLUDED.${c}`).join(', ');
  const mine = seriesNames.map((c) => `series.${c}`).join(', ');
  const theirs = seriesNames.map((c) => `EXCLUDED.${c}`).join(', ');
  return `INSERT INTO series (${cols}) SELECT ${cols} FROM ${source}
ON CONFLICT (series_instance_uid) DO UPDATE SET ${set}
WHERE (${mine}) IS DISTINCT FROM (${theirs})
RETURNING study_instance_uid`;
}

function recordsetSource(columns: ReadonlyArray<readonly [string, string]>): string {
  return `jsonb_to_recordset($1::jsonb) AS r(${columns.map(([c, t]) => `${c} ${t}`).join(', ')})`;
}

function toJsonRows(columns: ReadonlyArray<readonly [string, string]>, rows: Cell[][]): string {
  return JSON.stringify(rows.map((row) => Object.fromEntries(columns.map(([c], i) => [c, row[i] ?? null]))));
}

/** What a write did, study by study. */
export interface WriteSummary {
  inserted: string[];
  updated: string[];
  unchanged: string[];
  /** NHS numbers whose history changed (before and after), for cache invalidation. */
  affectedNhsNumbers: string[];
}

/**
 * Writes validated studies in one transaction, idempotently. The caller guarantees
 * UIDs are unique within `records`. For a record with `series` defined, the stored
 * series set becomes exactly that list.
 */
export async function writeStudies(client: PoolClient, records: StudyRecord[]): Promise<WriteSummary> {
  const uids = records.map((r) => r.studyInstanceUid);
  await client.query('BEGIN');
  try {
    const before = await client.query<{ study_instance_uid: string; nhs_number: string }>(
      'SELECT study_instance_uid, nhs_number FROM study WHERE study_instance_uid = ANY($1) FOR UPDATE',
      [uids],
    );
    const written = await client.query<{ study_instance_uid: string; inserted: boolean }>(
      mergeStudiesSql(recordsetSource(SOURCE_COLUMNS)),
      [toJsonRows(SOURCE_COLUMNS, records.map(studyRow))],
    );
    const withSeries = records.filter((r) => r.series !== undefined);
    const seriesChanged = new Set<string>();
    if (withSeries.length > 0) {
      const keep = withSeries.flatMap((r) => r.series!.map((s) => s.seriesInstanceUid));
      const removed = await client.query<{ study_instance_uid: string }>(
        `DELETE FROM series WHERE study_instance_uid = ANY($1) AND NOT (series_instance_uid = ANY($2))
         RETURNING study_instance_uid`,
        [withSeries.map((r) => r.studyInstanceUid), keep],
      );
      for (const row of removed.rows) seriesChanged.add(row.study_instance_uid);
      const rows = withSeries.flatMap((r) => r.series!.map((s) => seriesRow(r.studyInstanceUid, s)));
      if (rows.length > 0) {
        const upserted = await client.query<{ study_instance_uid: string }>(
          mergeSeriesSql(recordsetSource(SERIES_COLUMNS)),
          [toJsonRows(SERIES_COLUMNS, rows)],
        );
        for (const row of upserted.rows) seriesChanged.add(row.study_instance_uid);
      }
    }
    const inserted = new Set(written.rows.filter((r) => r.inserted).map((r) => r.study_instance_uid));
    const updated = new Set(written.rows.filter((r) => !r.inserted).map((r) => r.study_instance_uid));
    const touchedOnlyBySeries = [...seriesChanged].filter((u) => !inserted.has(u) && !updated.has(u));
    if (touchedOnlyBySeries.length > 0) {
      await client.query('UPDATE study SET updated_at = now() WHERE study_instance_uid = ANY($1)', [touchedOnlyBySeries]);
      for (const u of touchedOnlyBySeries) updated.add(u);
    }
    await client.query('COMMIT');
    const changed = new Set([...inserted, ...updated]);
    const affected = new Set<string>();
    for (const r of records) if (changed.has(r.studyInstanceUid)) affected.add(r.nhsNumber);
    for (const row of before.rows) if (changed.has(row.study_instance_uid)) affected.add(row.nhs_number.trim());
    return {
      inserted: [...inserted],
      updated: [...updated],
      unchanged: uids.filter((u) => !changed.has(u)),
      affectedNhsNumbers: [...affected],
    };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}
