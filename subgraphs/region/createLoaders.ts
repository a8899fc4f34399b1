import DataLoader from 'dataloader';
import type { Pool } from 'pg';
import { selectHistories, selectSeries, selectStudies, type SeriesRow, type StudyRow } from './db/studyReads';
import type { IndexCache } from './IndexCache';

/** Per-request DataLoaders: K patients in one request cost one SQL query, not K. */
export interface Loaders {
  history: DataLoader<string, StudyRow[]>;
  study: DataLoader<string, StudyRow | null>;
  series: DataLoader<string, SeriesRow[]>;
}

function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = map.get(k);
    if (list) list.push(row);
    else map.set(k, [row]);
  }
  return map;
}

/** Reads through the cache, then one `= ANY($1)` query for every key it missed. */
async function cachedBatch<T>(
  keys: readonly string[],
  fromCache: (key: string) => T[] | undefined,
  toCache: (key: string, rows: T[], readEpoch: number) => void,
  epoch: () => number,
  query: (missing: string[]) => Promise<T[]>,
  keyOf: (row: T) => string,
): Promise<T[][]> {
  const found = new Map<string, T[]>();
  const missing: string[] = [];
  for (const key of keys) {
    const hit = fromCache(key);
    if (hit) found.set(key, hit);
    else missing.push(key);
  }
  if (missing.length > 0) {
    const readEpoch = epoch();
    const grouped = groupBy(await query(missing), keyOf);
    for (const key of missing) {
      const rows = grouped.get(key) ?? [];
      toCache(key, rows, readEpoch);
      found.set(key, rows);
    }
  }
  return keys.map((k) => found.get(k) ?? []);
}

export function createLoaders(pool: Pool, cache: IndexCache): Loaders {
  return {
    history: new DataLoader((nhsNumbers) =>
      cachedBatch(
        nhsNumbers,
        (k) => cache.getHistory(k),
        (k, rows, e) => cache.setHistory(k, rows, e),
        () => cache.epoch(),
        (missing) => selectHistories(pool, missing),
        (row) => row.nhs_number,
      ),
    ),
    study: new DataLoader(async (uids) => {
      const byUid = new Map((await selectStudies(pool, uids)).map((r) => [r.study_instance_uid, r]));
      return uids.map((u) => byUid.get(u) ?? null);
    }),
    series: new DataLoader((uids) =>
      cachedBatch(
        uids,
        (k) => cache.getSeries(k),
        (k, rows, e) => cache.setSeries(k, rows, e),
        () => cache.epoch(),
        (missing) => selectSeries(pool, missing),
        (row) => row.study_instance_uid,
      ),
    ),
  };
}
