import type { Pool, PoolClient } from 'pg';
import { mergeSeriesSql, mergeStudiesSql, SERIES_COLUMNS, SOURCE_COLUMNS } from '../db/studyWrites';
import type { StudyRecord } from '../StudyRecord';
import { copyInto, prepare, seriesNames, sourceNames, studyNames, type PreparedChunk } from './prepareChunk';
import { deferSecondaryIndexesIfEmpty, restoreDeferredIndexes } from './deferSecondaryIndexes';

export interface LoadStudiesOptions {
  /** Studies per COPY-and-merge transaction (default 20,000). A crash keeps every committed chunk. */
  chunkSize?: number;
  /**
   * Database connections loading in parallel (default 2, at most the pool's max), each
   * taking the studies whose UID hashes to it. 1 keeps the load on one connection.
   */
  connections?: number;
  /**
   * When the index is empty, drop its secondary indexes for the load and build them once,
   * sorted, at its end (bulk/deferSecondaryIndexes.ts); the time to build them is part of the
   * load's. False keeps them maintained row by row. @defaultValue true
   */
  deferIndexes?: boolean;
  /** Called every few thousand records and after each chunk commits. Throttle rendering in the callback. */
  onProgress?: (progress: LoadCounts) => void;
}

/** What a load has done so far. */
export interface LoadCounts {
  /** Records taken from the source (in a file load's summary: every record, rejected ones included). */
  read: number;
  inserted: number;
  /** Changed studies, including those whose only change was their series. */
  updated: number;
  /** Studies equal to what was stored: not written, updated_at kept. */
  unchanged: number;
  /** Records superseded by a later record with the same StudyInstanceUID in the same chunk. */
  duplicates: number;
}

export interface LoadSummary extends LoadCounts {
  /** Records refused before loading (always 0 from {@link loadStudies}; the file loader fills it). */
  rejected: number;
  seconds: number;
  /** Records read (valid and rejected) per second of wall time. */
  studiesPerSecond: number;
}

export const DEFAULT_CHUNK_SIZE = 20_000;
export const DEFAULT_CONNECTIONS = 2;

const STUDY_TABLE = 'bulk_study';
const SERIES_TABLE = 'bulk_series';
// Yield to the event loop this often while reading, so the previous chunk's queries run
// in PostgreSQL while this process builds the next chunk.
const YIELD_EVERY = 2_000;

async function createStaging(client: PoolClient): Promise<void> {
  const studyCols = SOURCE_COLUMNS.map(([c, t]) => `${c} ${t}`).join(', ');
  const seriesCols = SERIES_COLUMNS.map(([c, t]) => `${c} ${t}`).join(', ');
  // Temp tables are private to this session, and ON COMMIT DELETE ROWS empties them after
  // every chunk, so concurrent loads never see each other's rows.
  await client.query(`DROP TABLE IF EXISTS ${STUDY_TABLE}, ${SERIES_TABLE}`);
  await client.query(`CREATE TEMP TABLE ${STUDY_TABLE} (${studyCols}, has_series boolean NOT NULL) ON COMMIT DELETE ROWS`);
  await client.query(`CREATE TEMP TABLE ${SERIES_TABLE} (${seriesCols}) ON COMMIT DELETE ROWS`);
}

/**
 * A chunk of studies when its lane has met only new studies in an index that was empty (a
 * first load): COPY straight into `study` and `series`, rows as the merge would write them
 * for new studies (directRow), instead of COPY into staging tables and INSERT ... ON
 * CONFLICT from there. COPY fires the same triggers, so the membership log gets every
 * study. If a study or series is stored after all (met again in a later chunk, a series
 * that moved, another lane), the unique key refuses the COPY: it is rolled back to the
 * savepoint and the chunk goes through staging and the merge like any other. Returns
 * whether the COPY did it.
 */
async function copyNewStudies(client: PoolClient, chunk: PreparedChunk): Promise<boolean> {
  await client.query('SAVEPOINT new_studies');
  try {
    await copyInto(client, 'study', studyNames, chunk.studyLines);
    await copyInto(client, 'series', seriesNames, chunk.seriesLines);
    await client.query('RELEASE SAVEPOINT new_studies');
    return true;
  } catch (err) {
    if ((err as { code?: string }).code !== '23505') throw err;
    await client.query('ROLLBACK TO SAVEPOINT new_studies');
    return false;
  }
}

/**
 * Writes one chunk in one transaction; the same semantics as writeStudies, by COPY.
 */
async function writeChunk(client: PoolClient, given: PreparedChunk): Promise<LoadCounts> {
  await client.query('BEGIN');
  try {
    if (given.direct && (await copyNewStudies(client, given))) {
      await client.query('COMMIT');
      return { read: 0, inserted: given.unique, updated: 0, unchanged: 0, duplicates: given.duplicates };
    }
    const chunk = given.direct ? prepare(given.studies, false) : given;
    await copyInto(client, STUDY_TABLE, [...sourceNames, 'has_series'], chunk.studyLines);
    await copyInto(client, SERIES_TABLE, seriesNames, chunk.seriesLines);
    const written = await client.query<{ study_instance_uid: string; inserted: boolean }>(mergeStudiesSql(STUDY_TABLE));
    const changed = new Set<string>();
    const inserted = new Set<string>();
    for (const row of written.rows) {
      changed.add(row.study_instance_uid);
      if (row.inserted) inserted.add(row.study_instance_uid);
    }
    let updated = changed.size - inserted.size;
    const seriesChanged = new Set<string>();
    // For studies that carry series, the stored set becomes exactly the given list. Only
    // studies that existed before this chunk can hold series to drop (the foreign key
    // guarantees it), so a first load skips the DELETE altogether.
    const existing = chunk.withSeriesUids.filter((u) => !inserted.has(u));
    if (existing.length > 0) {
      // The planner knows nothing of a freshly filled temp table; without statistics it
      // may choose a nested loop over it for the anti-join.
      await client.query(`ANALYZE ${SERIES_TABLE}`);
      const removed = await client.query<{ study_instance_uid: string }>(
        `DELETE FROM series s WHERE s.study_instance_uid = ANY($1::text[])
           AND NOT EXISTS (SELECT 1 FROM ${SERIES_TABLE} n WHERE n.series_instance_uid = s.series_instance_uid)
         RETURNING s.study_instance_uid`,
        [existing],
      );
      for (const row of removed.rows) seriesChanged.add(row.study_instance_uid);
    }
    if (chunk.seriesLines.length > 0 && existing.length > 0) {
      const merged = await client.query<{ study_instance_uid: string }>(
        `WITH merged AS (${mergeSeriesSql(SERIES_TABLE)}) SELECT DISTINCT study_instance_uid FROM merged`,
      );
      for (const row of merged.rows) seriesChanged.add(row.study_instance_uid);
    } else if (chunk.seriesLines.length > 0) {
      // Every study with series here was just inserted, so each series written belongs to
      // a study already counted as changed: nothing to send back.
      await client.query(`WITH merged AS (${mergeSeriesSql(SERIES_TABLE)}) SELECT count(*) FROM merged`);
    }
    const touchedOnlyBySeries = [...seriesChanged].filter((u) => !changed.has(u));
    if (touchedOnlyBySeries.length > 0) {
      await client.query('UPDATE study SET updated_at = now() WHERE study_instance_uid = ANY($1::text[])', [touchedOnlyBySeries]);
      updated += touchedOnlyBySeries.length;
    }
    await client.query('COMMIT');
    // `given`'s count: a chunk re-prepared for the merge was de-duplicated already.
    return { read: 0, inserted: inserted.size, updated, unchanged: chunk.unique - inserted.size - updated, duplicates: given.duplicates };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

function laneOf(uid: string, lanes: number): number {
  if (lanes === 1) return 0;
  let h = 0x811c9dc5;
  for (let i = 0; i < uid.length; i++) h = Math.imul(h ^ uid.charCodeAt(i), 0x01000193);
  return (h >>> 0) % lanes;
}

interface Lane {
  client: PoolClient;
  batch: StudyRecord[];
  pending: Promise<LoadCounts> | null;
  /** Only new studies so far, into an index that was empty: COPY the next chunk straight in (copyNewStudies). */
  fresh: boolean;
}

/**
 * Loads validated studies into the regional index in chunks: COPY into session-private
 * staging tables, then the same idempotent merge as the ingest API (mergeStudiesSql /
 * mergeSeriesSql), one transaction per chunk. Loading the same studies again changes
 * nothing; a changed study is updated; a crash keeps the chunks already committed and a
 * re-run completes the rest. Used by the file loader and to seed generated data.
 *
 * Studies are split over `connections` lanes by a hash of their UID, each lane with its
 * own connection and its own chunks in order, so every version of one study goes through
 * one lane and the last one read wins, while the lanes keep several database cores busy.
 */
export async function loadStudies(
  pool: Pool,
  source: Iterable<StudyRecord> | AsyncIterable<StudyRecord>,
  options: LoadStudiesOptions = {},
): Promise<LoadSummary> {
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  if (!Number.isInteger(chunkSize) || chunkSize < 1) throw new RangeError('chunkSize must be a positive integer');
  const requested = options.connections ?? DEFAULT_CONNECTIONS;
  if (!Number.isInteger(requested) || requested < 1) throw new RangeError('connections must be a positive integer');
  // Asking a pool for more clients than it may open would wait for ever.
  const connections = Math.max(1, Math.min(requested, pool.options.max ?? requested));
  const started = performance.now();
  const totals: LoadCounts = { read: 0, inserted: 0, updated: 0, unchanged: 0, duplicates: 0 };
  const report = () => options.onProgress?.({ ...totals });
  const lanes: Lane[] = [];
  let broken = false;
  const deferIndexes = options.deferIndexes ?? true;
  const wasEmpty = deferIndexes && (await deferSecondaryIndexesIfEmpty(pool)).length > 0;

  const settle = async (lane: Lane) => {
    if (!lane.pending) return;
    const done = await lane.pending;
    lane.pending = null;
    if (done.updated + done.unchanged > 0) lane.fresh = false;
    totals.inserted += done.inserted;
    totals.updated += done.updated;
    totals.unchanged += done.unchanged;
    totals.duplicates += done.duplicates;
    report();
  };
  const send = async (lane: Lane) => {
    const prepared = prepare(lane.batch, lane.fresh);
    lane.batch = [];
    await settle(lane);
    lane.pending = writeChunk(lane.client, prepared);
    // Awaited by the next settle(); this only stops a failure from counting as unhandled meanwhile.
    lane.pending.catch(() => undefined);
  };
  try {
    for (let i = 0; i < connections; i++) {
      const client = await pool.connect();
      lanes.push({ client, batch: [], pending: null, fresh: wasEmpty });
      await createStaging(client);
    }
    for await (const record of source) {
      const lane = lanes[laneOf(record.studyInstanceUid, connections)]!;
      lane.batch.push(record);
      totals.read++;
      if (lane.batch.length >= chunkSize) await send(lane);
      if (totals.read % YIELD_EVERY === 0) {
        report();
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
    for (const lane of lanes) if (lane.batch.length > 0) await send(lane);
    for (const lane of lanes) await settle(lane);
    for (const lane of lanes) await lane.client.query(`DROP TABLE IF EXISTS ${STUDY_TABLE}, ${SERIES_TABLE}`);
  } catch (err) {
    broken = true;
    // Let in-flight chunks finish or fail before their clients go back to the pool.
    await Promise.all(lanes.map((lane) => lane.pending?.catch(() => undefined)));
    throw err;
  } finally {
    for (const lane of lanes) lane.client.release(broken);
    // Also after a failure: the chunks committed so far are served with every index. (Indexes
    // left deferred by a crashed earlier load are built here too.)
    // A load that failed keeps its own error; what could not be restored stays recorded in
    // deferred_index for the next load or region start.
    if (deferIndexes) await restoreDeferredIndexes(pool, connections).catch((err: unknown) => {
      if (!broken) throw err;
    });
  }
  const seconds = (performance.now() - started) / 1000;
  return { ...totals, rejected: 0, seconds, studiesPerSecond: seconds > 0 ? totals.read / seconds : 0 };
}
