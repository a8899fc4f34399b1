import { Pool } from 'pg';
import { KeyedBloomFilter } from '../gateway/locator/KeyedBloomFilter';
import { MembershipStore } from '../gateway/locator/MembershipStore';
import { readRegionMembership } from '../gateway/locator/readRegionMembership';
import { MAX_CHANGES_PER_MESSAGE } from '../lib/locator/membershipProtocol';
import { benchAnswerChecker, benchLocatorKey, signAsGateway } from './benchAuth';

/** What one refresh of a region's summary costs, measured against the running services. */
export interface RefreshFigures {
  region: string;
  /** Distinct keyed hashes (patients) in the region's stored summary. */
  entries: number;
  /** Rebuild from the national database: read every stored hash and build a filter, as a replica does at start or on a new epoch. */
  rebuildFromStore: { ms: number; rowBytes: number; filterBytes: number; filterCapacity: number; filterBytesPerMillionPatients: number };
  /** The whole log pulled from the region (what registration or a new epoch costs): pages, milliseconds, JSON bytes. */
  fullPullFromRegion: { ms: number; pages: number; changes: number; bytes: number };
  /** One poll (`op: state`) and one incremental pull of the last change, as every replica does each LOCATOR_POLL_MS. */
  poll: { ms: number; bytes: number };
  incrementalPull: { ms: number; bytes: number; changes: number };
  /** The national database's membership_hash table (this national database holds this region only). */
  nationalTableBytes: number;
  falsePositiveRate: number;
}

/**
 * Times the pieces of a summary refresh from the bench process, with the gateway's own code
 * (MembershipStore, KeyedBloomFilter, readRegionMembership) and its key, against the national
 * database and the region a running gateway has just made fresh.
 */
export async function measureLocatorRefresh(nationalUrl: string, region: { code: string; url: string }, falsePositiveRate = 0.001): Promise<RefreshFigures> {
  const key = benchLocatorKey();
  const pool = new Pool({ connectionString: nationalUrl, max: 2 });
  pool.on('error', () => undefined);
  try {
    const store = new MembershipStore(pool, key.id);
    const stored = await store.read(region.code);
    if (!stored) throw new Error(`no stored summary for ${region.code}`);
    let t = performance.now();
    const hashes = await store.hashes(region.code, 0, stored.publishedSeq);
    // The gateway sizes a rebuilt filter at twice its entries (room to grow before the next rebuild).
    const filter = new KeyedBloomFilter(Math.max(10_000, hashes.length * 2), falsePositiveRate);
    for (const h of hashes) filter.add(h);
    const rebuildMs = performance.now() - t;
    const { rows } = await pool.query<{ bytes: string }>("SELECT pg_total_relation_size('membership_hash')::text AS bytes");

    const io = { timeoutMs: 30_000, checkAnswer: benchAnswerChecker() };
    t = performance.now();
    let since = 0;
    let pages = 0;
    let changes = 0;
    let bytes = 0;
    for (;;) {
      const page = await readRegionMembership(region, { op: 'changes', since, limit: MAX_CHANGES_PER_MESSAGE }, signAsGateway, io);
      pages++;
      changes += page.nhsNumbers.length;
      bytes += JSON.stringify(page).length;
      since = page.toSeq;
      if (page.toSeq >= page.seq) break;
    }
    const fullMs = performance.now() - t;

    t = performance.now();
    const state = await readRegionMembership(region, { op: 'state' }, signAsGateway, io);
    const pollMs = performance.now() - t;
    t = performance.now();
    const last = await readRegionMembership(region, { op: 'changes', since: Math.max(0, state.seq - 1), limit: MAX_CHANGES_PER_MESSAGE }, signAsGateway, io);
    const incrementalMs = performance.now() - t;

    return {
      region: region.code,
      entries: hashes.length,
      rebuildFromStore: {
        ms: rebuildMs,
        rowBytes: hashes.length * 8,
        filterBytes: filter.bytes,
        filterCapacity: filter.capacity,
        filterBytesPerMillionPatients: (filter.bytes / Math.max(1, hashes.length)) * 1e6,
      },
      fullPullFromRegion: { ms: fullMs, pages, changes, bytes },
      poll: { ms: pollMs, bytes: JSON.stringify(state).length },
      incrementalPull: { ms: incrementalMs, bytes: JSON.stringify(last).length, changes: last.nhsNumbers.length },
      nationalTableBytes: Number(rows[0]?.bytes ?? 0),
      falsePositiveRate,
    };
  } finally {
    await pool.end();
  }
}
