import NodeCache from 'node-cache';
import type { SeriesRow, StudyRow } from './db/studyReads';

/** Options for {@link IndexCache}. */
export interface IndexCacheOptions {
  /** Seconds an entry lives; 0 disables the cache. Default 30. */
  ttlSeconds?: number;
  /** Most entries kept; further sets are dropped rather than evicting (node-cache semantics). */
  maxKeys?: number;
}

/**
 * The only cross-request cache of a region: whole patient histories keyed by NHS number
 * and series lists keyed by study UID. Whole histories (not one entry per filter) make
 * invalidation exact: ingest deletes the entries of every NHS number it touched, so a
 * reader never sees a stale study after the mutation returns. The TTL bounds staleness
 * for writes that bypass this process (another replica, the bulk loader).
 */
export class IndexCache {
  private readonly cache: NodeCache;
  private readonly enabled: boolean;

  constructor(options: IndexCacheOptions = {}) {
    const ttl = options.ttlSeconds ?? 30;
    this.enabled = ttl > 0;
    // useClones false: entries are treated as immutable and never mutated by readers.
    this.cache = new NodeCache({ stdTTL: ttl, checkperiod: Math.max(ttl, 10), useClones: false, maxKeys: options.maxKeys ?? 100_000 });
  }

  getHistory(nhsNumber: string): StudyRow[] | undefined {
    return this.enabled ? this.cache.get<StudyRow[]>(`h:${nhsNumber}`) : undefined;
  }

  setHistory(nhsNumber: string, rows: StudyRow[]): void {
    if (this.enabled) this.trySet(`h:${nhsNumber}`, rows);
  }

  getSeries(studyUid: string): SeriesRow[] | undefined {
    return this.enabled ? this.cache.get<SeriesRow[]>(`s:${studyUid}`) : undefined;
  }

  setSeries(studyUid: string, rows: SeriesRow[]): void {
    if (this.enabled) this.trySet(`s:${studyUid}`, rows);
  }

  /** Forgets everything ingest changed. */
  invalidate(nhsNumbers: readonly string[], studyUids: readonly string[]): void {
    this.cache.del([...nhsNumbers.map((n) => `h:${n}`), ...studyUids.map((u) => `s:${u}`)]);
  }

  flush(): void {
    this.cache.flushAll();
  }

  close(): void {
    this.cache.close();
  }

  private trySet(key: string, value: unknown): void {
    try {
      this.cache.set(key, value);
    } catch {
      // ECACHEFULL: a full cache only costs a database read, never an error.
    }
  }
}
