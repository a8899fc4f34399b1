import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { SERIES_COLUMNS, STUDY_COLUMNS, seriesRow, SOURCE_COLUMNS, studyRow } from '../db/studyWrites';
import type { StudyRecord } from '../StudyRecord';
import { copyTextRow } from './copyTextRow';

/** Column names of the staging study rows (before has_series), of `study` and of `series`. */
export const sourceNames = SOURCE_COLUMNS.map(([c]) => c);
export const studyNames = STUDY_COLUMNS.map(([c]) => c);
export const seriesNames = SERIES_COLUMNS.map(([c]) => c);
const STATUS_AT = studyNames.indexOf('status');
// Rows per write into the COPY stream: big enough to be cheap, small enough for backpressure.
const LINES_PER_WRITE = 2_000;

/** A chunk ready to send: COPY text for both staging tables, built while the previous chunk is in the database. */
export interface PreparedChunk {
  /** The chunk's last record per UID, in order (to build the other format on demand). */
  studies: StudyRecord[];
  /** Rows of SOURCE_COLUMNS + has_series (staging), or of the study table itself (`direct`). */
  studyLines: string[];
  direct: boolean;
  seriesLines: string[];
  unique: number;
  duplicates: number;
  /** Studies that carry a series list (possibly empty), whose stored series get replaced. */
  withSeriesUids: string[];
}

/** A new study as the merge would store it: the table's columns, no stored row to keep a status from. */
function directRow(r: StudyRecord) {
  const row = studyRow(r);
  row.pop(); // keep_columns: nothing is stored to keep
  row[STATUS_AT] ??= 'AVAILABLE';
  return row;
}

/**
 * A chunk of the bulk loader (loadStudies.ts) as COPY text: rows for the staging tables,
 * or, `direct`, rows of `study` itself as the merge would write new studies.
 */
export function prepare(records: StudyRecord[], direct: boolean): PreparedChunk {
  // ON CONFLICT cannot touch one row twice in a statement, so the last record per UID
  // wins here, and likewise the last series per SeriesInstanceUID.
  const byUid = new Map<string, StudyRecord>();
  for (const r of records) {
    byUid.delete(r.studyInstanceUid);
    byUid.set(r.studyInstanceUid, r);
  }
  const studyLines: string[] = [];
  const series = new Map<string, string>();
  const withSeriesUids: string[] = [];
  for (const r of byUid.values()) {
    studyLines.push(copyTextRow(direct ? directRow(r) : [...studyRow(r), r.series !== undefined ? 't' : 'f']));
    if (r.series === undefined) continue;
    withSeriesUids.push(r.studyInstanceUid);
    for (const s of r.series) series.set(s.seriesInstanceUid, copyTextRow(seriesRow(r.studyInstanceUid, s)));
  }
  return { studies: [...byUid.values()], studyLines, direct, seriesLines: [...series.values()], unique: byUid.size, duplicates: records.length - byUid.size, withSeriesUids };
}

function* batches(lines: string[]): Generator<string> {
  for (let i = 0; i < lines.length; i += LINES_PER_WRITE) yield lines.slice(i, i + LINES_PER_WRITE).join('');
}

/** COPYs `lines` into `table` on the client's connection (its transaction). */
export async function copyInto(client: PoolClient, table: string, columns: string[], lines: string[]): Promise<void> {
  if (lines.length === 0) return;
  const stream = client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`));
  await pipeline(Readable.from(batches(lines)), stream);
}
