import NodeCache from 'node-cache';
import type { SeriesRow, StudyRow } from './db/studyReads';
import { REGION_DEFAULTS } from './defaults';

/** Options for {@link IndexCache}. */
export interface IndexCacheOptions {
  /** Seconds an entry lives; 0 disables the cache. @defaultValue REGION_DEFAULTS.cacheTtlSeconds */
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
  /**
   * Guards the race "read starts, ingest commits and invalidates, read stores its old rows":
   * every invalidation takes a number from a counter and remembers it per key for two
   * minutes; a read may store only if no invalidation of its key happened since it began.
   */
  private epochCounter = 0;
  private readonly invalidatedAt: NodeCache;

  constructor(options: IndexCacheOptions = {}) {
    const ttl = options.ttlSeconds ?? REGION_DEFAULTS.cacheTtlSeconds;
    this.enabled = ttl > 0;
    // useClones false: entries are treated as immutable and never mutated by readers.
    this.cache = new NodeCache({ stdTTL: ttl, checkperiod: Math.max(ttl, 10), useClones: false, maxKeys: options.maxKeys ?? 100_000 });
    this.invalidatedAt = new NodeCache({ stdTTL: 120, checkperiod: 60, useClones: false });
  }

  /** Call before reading from the database; pass the value to the set that follows. */
  epoch(): number {
    return this.epochCounter;
  }

  private fresh(key: string, readEpoch: number): boolean {
    return (this.invalidatedAt.get<number>(key) ?? -1) <= readEpoch;
  }

  getHistory(nhsNumber: string): StudyRow[] | undefined {
    return this.enabled ? this.cache.get<StudyRow[]>(`h:${nhsNumber}`) : undefined;
  }

  setHistory(nhsNumber: string, rows: StudyRow[], readEpoch: number): void {
    if (this.enabled && this.fresh(`h:${nhsNumber}`, readEpoch)) this.trySet(`h:${nhsNumber}`, rows);
  }

  getSeries(studyUid: string): SeriesRow[] | undefined {
    return this.enabled ? this.cache.get<SeriesRow[]>(`s:${studyUid}`) : undefined;
  }

  setSeries(studyUid: string, rows: SeriesRow[], readEpoch: number): void {
    if (this.enabled && this.fresh(`s:${studyUid}`, readEpoch)) this.trySet(`s:${studyUid}`, rows);
  }

  /** Forgets everything ingest changed. */
  invalidate(nhsNumbers: readonly string[], studyUids: readonly string[]): void {
    const keys = [...nhsNumbers.map((n) => `h:${n}`), ...studyUids.map((u) => `s:${u}`)];
    const epoch = ++this.epochCounter;
    for (const key of keys) this.invalidatedAt.set(key, epoch);
    this.cache.del(keys);
  }

  flush(): void {
    this.cache.flushAll();
  }

  close(): void {
    this.cache.close();
    this.invalidatedAt.close();
  }

  private trySet(key: string, value: unknown): void {
    try {
      this.cache.set(key, value);
    } catch {
      // ECACHEFULL: a full cache only costs a database read, never an error.
    }
  }
}
