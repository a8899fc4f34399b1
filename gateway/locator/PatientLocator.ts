import type { Pool, PoolClient } from 'pg';
import type { Logger } from '../../lib/logger';
import { DEFAULT_LEASE_MS, DEFAULT_POLL_MS, MAX_CHANGES_PER_MESSAGE, type MembershipPosition } from '../../lib/locator/membershipProtocol';
import { KeyedBloomFilter } from './KeyedBloomFilter';
import type { LocatorKey, MembershipHash } from './LocatorKey';
import { MEMBERSHIP_CHANNEL, type MembershipStore } from './MembershipStore';
import { readRegionMembership, type SignForRegion } from './readRegionMembership';
import type { AnswerChecker } from '../registry/createAnswerChecker';

/** The contract version whose regions keep membership; older ones are asked about every patient. */
export const MEMBERSHIP_CONTRACT_VERSION = 2;

/** What the locator needs to know of a registered region. */
export interface LocatorRegion {
  code: string;
  url: string;
  contractVersion: number;
}

/** Options for {@link PatientLocator}. */
export interface PatientLocatorOptions {
  pool: Pool;
  store: MembershipStore;
  key: LocatorKey;
  logger: Logger;
  sign: SignForRegion;
  /** Checks that a membership answer is signed by the region itself (gateway/registry/createAnswerChecker.ts). */
  checkAnswer: AnswerChecker;
  /** The registry's current regions. */
  regions: () => readonly LocatorRegion[];
  /** @default DEFAULT_LEASE_MS */
  leaseMs?: number;
  /** @default DEFAULT_POLL_MS */
  pollMs?: number;
  /** Target false-positive rate of each region's filter at its capacity. @default 0.001 */
  falsePositiveRate?: number;
  /** Budget for one membership read from a region. @default 2000 */
  readTimeoutMs?: number;
}

/** Why a region was, or was not, asked about a patient. */
export type LocatorDecision = 'member' | 'not-fresh' | 'old-contract' | 'skipped';

interface Summary {
  epoch: string | null;
  /** Every change up to here is in `filter`. */
  applied: number;
  filter: KeyedBloomFilter;
  /** The last position the region confirmed to this replica, and when that read was sent. */
  confirmed: (MembershipPosition & { sentAt: number }) | null;
  /** The highest position seen in the region's GraphQL answers. */
  reported: MembershipPosition | null;
  /** Work on this summary runs one piece at a time. */
  queue: Promise<void>;
  polling: boolean;
}

const MIN_CAPACITY = 10_000;
const RETRY_MS = 1000;

/**
 * Decides which regions may hold a patient. Each region's summary is a Bloom filter of
 * keyed hashes, kept in step from three sources: publications (a region tells the gateway
 * before acknowledging a write; stored in the national database, which notifies every
 * replica), polls (every replica asks every region for its sequence each `pollMs` and
 * pulls what it lacks), and the sequence on each region answer.
 *
 * The guarantee is one-sided: a region is skipped only while its summary is fresh at this
 * replica (the region confirmed its position within the lease, that position is applied,
 * and the notification stream is healthy) and the filter says no. Anything uncertain (a new
 * or restarted gateway, a region that cannot be polled, a sequence ahead of the summary, a
 * lost notification connection) means the region is asked.
 */
export class PatientLocator {
  private readonly summaries = new Map<string, Summary>();
  private readonly leaseMs: number;
  private listener: PoolClient | null = null;
  private listenerHealthy = false;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(private readonly options: PatientLocatorOptions) {
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  }

  /** Loads every stored summary, starts listening for other replicas' changes and polling regions. */
  async start(): Promise<void> {
    await Promise.all(this.capableRegions().map((r) => this.enqueue(r.code, () => this.loadFromStore(r.code))));
    await this.listen();
    const every = this.options.pollMs ?? DEFAULT_POLL_MS;
    this.timer = setInterval(() => this.pollAll(), every);
    this.timer.unref();
    this.pollAll();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.listener?.release(true);
    this.listener = null;
    await Promise.all([...this.summaries.values()].map((s) => s.queue));
  }

  /** Splits `candidates` into the regions to ask about these patients and those a fresh summary rules out. */
  route<R extends LocatorRegion>(candidates: readonly R[], nhsNumbers: readonly string[]): { ask: R[]; skipped: R[]; decisions: LocatorDecision[] } {
    const hashes = nhsNumbers.map((n) => this.options.key.hash(n));
    const now = Date.now();
    const ask: R[] = [];
    const skipped: R[] = [];
    const decisions: LocatorDecision[] = [];
    for (const region of candidates) {
      const decision = this.decide(region, hashes, now);
      decisions.push(decision);
      (decision === 'skipped' ? skipped : ask).push(region);
    }
    return { ask, skipped, decisions };
  }

  /** A region answered a query and said where its log is: a summary behind it is stale at once. */
  observe(code: string, position: MembershipPosition): void {
    const summary = this.summaries.get(code);
    if (!summary) return;
    if (!summary.reported || position.epoch !== summary.reported.epoch || position.seq > summary.reported.seq) summary.reported = position;
    if (position.epoch !== summary.epoch || position.seq > summary.applied) this.pollRegion(code);
  }

  /** Another replica, or this one, stored changes for a region: bring the in-memory summary up to date. */
  refreshFromStore(code: string): Promise<void> {
    return this.enqueue(code, () => this.loadFromStore(code));
  }

  /** For /readyz and /metrics: each region's summary. */
  status(): Array<{ code: string; fresh: boolean; appliedSeq: number; entries: number; bytes: number }> {
    const now = Date.now();
    return this.options.regions().map((r) => {
      const s = this.summaries.get(r.code);
      return { code: r.code, fresh: r.contractVersion >= MEMBERSHIP_CONTRACT_VERSION && this.isFresh(r.code, now), appliedSeq: s?.applied ?? 0, entries: s?.filter.size ?? 0, bytes: s?.filter.bytes ?? 0 };
    });
  }

  get notificationsHealthy(): boolean {
    return this.listenerHealthy;
  }

  private decide(region: LocatorRegion, hashes: MembershipHash[], now: number): LocatorDecision {
    if (region.contractVersion < MEMBERSHIP_CONTRACT_VERSION) return 'old-contract';
    if (!this.isFresh(region.code, now)) return 'not-fresh';
    const filter = this.summaries.get(region.code)!.filter;
    return hashes.some((h) => filter.mightContain(h)) ? 'member' : 'skipped';
  }

  private isFresh(code: string, now: number): boolean {
    const s = this.summaries.get(code);
    if (!s || !this.listenerHealthy || !s.confirmed || s.epoch === null) return false;
    if (now - s.confirmed.sentAt >= this.leaseMs) return false;
    if (s.confirmed.epoch !== s.epoch || s.confirmed.seq > s.applied) return false;
    if (s.reported && (s.reported.epoch !== s.epoch || s.reported.seq > s.applied)) return false;
    return true;
  }

  private capableRegions(): LocatorRegion[] {
    return this.options.regions().filter((r) => r.contractVersion >= MEMBERSHIP_CONTRACT_VERSION);
  }

  private summary(code: string): Summary {
    let s = this.summaries.get(code);
    if (!s) {
      s = { epoch: null, applied: 0, filter: this.newFilter(0), confirmed: null, reported: null, queue: Promise.resolve(), polling: false };
      this.summaries.set(code, s);
    }
    return s;
  }

  private newFilter(entries: number): KeyedBloomFilter {
    return new KeyedBloomFilter(Math.max(MIN_CAPACITY, entries * 2), this.options.falsePositiveRate ?? 0.001);
  }

  private enqueue(code: string, work: () => Promise<void>): Promise<void> {
    const s = this.summary(code);
    const next = s.queue.then(work);
    s.queue = next.catch((err: unknown) => this.options.logger.warn({ region: code, err: (err as Error).message }, 'locator summary update failed; the region is asked until it succeeds'));
    return s.queue;
  }

  /** Applies what the national database has for a region; rebuilds when it was replaced or outgrew its filter. */
  private async loadFromStore(code: string): Promise<void> {
    const s = this.summary(code);
    const stored = await this.options.store.read(code);
    if (!stored) return;
    const rebuild = stored.epoch !== s.epoch || stored.publishedSeq < s.applied || s.filter.size > s.filter.capacity;
    if (rebuild) {
      const hashes = await this.options.store.hashes(code, 0, stored.publishedSeq);
      const filter = this.newFilter(hashes.length);
      for (const h of hashes) filter.add(h);
      s.filter = filter;
    } else if (stored.publishedSeq > s.applied) {
      for (const h of await this.options.store.hashes(code, s.applied, stored.publishedSeq)) s.filter.add(h);
    } else {
      return;
    }
    s.epoch = stored.epoch;
    s.applied = stored.publishedSeq;
  }

  private pollAll(): void {
    if (this.stopped) return;
    const live = new Set(this.options.regions().map((r) => r.code));
    for (const code of this.summaries.keys()) if (!live.has(code)) this.summaries.delete(code);
    for (const region of this.capableRegions()) this.pollRegion(region.code);
  }

  private pollRegion(code: string): void {
    const s = this.summary(code);
    if (s.polling || this.stopped) return;
    s.polling = true;
    let failed = false;
    void this.enqueue(code, () =>
      this.syncWithRegion(code).catch((err: unknown) => {
        failed = true;
        throw err;
      }),
    ).finally(() => {
      s.polling = false;
      // A failed sync is retried soon rather than at the next poll: until it succeeds the
      // region is asked about every patient, which is safe but costs a call per lookup.
      if (failed && !this.stopped) setTimeout(() => this.pollRegion(code), Math.min(this.options.pollMs ?? DEFAULT_POLL_MS, RETRY_MS)).unref();
    });
  }

  /** Asks the region where its log is, and pulls (and stores for every replica) whatever this summary lacks. */
  private async syncWithRegion(code: string): Promise<void> {
    const region = this.options.regions().find((r) => r.code === code);
    if (!region) return;
    const s = this.summary(code);
    const io = { timeoutMs: this.options.readTimeoutMs ?? 2000, checkAnswer: this.options.checkAnswer };
    const sentAt = Date.now();
    const position = await readRegionMembership(region, { op: 'state' }, this.options.sign, io);
    // The common case: nothing new. Renew the lease without touching the national database
    // (a read per region per second per replica was most of the locator's idle cost).
    if (position.epoch === s.epoch && position.seq === s.applied) {
      s.confirmed = { ...position, sentAt };
      return;
    }
    await this.loadFromStore(code);
    // A new epoch, or a sequence that went backwards (a database restored from backup), means
    // the stored summary describes another database: rebuild it from the region's whole log.
    const reset = position.epoch !== s.epoch || position.seq < s.applied;
    let since = reset ? 0 : s.applied;
    let first = true;
    for (let page = 0; since < position.seq || (reset && first); page++) {
      if (page > 10_000) throw new Error(`region ${code}: membership pull did not converge`);
      const changes = await readRegionMembership(region, { op: 'changes', since, limit: MAX_CHANGES_PER_MESSAGE }, this.options.sign, io);
      const hashes = changes.nhsNumbers.map((n) => this.options.key.hash(n));
      const outcome = await this.options.store.append(code, changes.epoch, since, changes.toSeq, hashes, reset && first);
      first = false;
      await this.loadFromStore(code);
      if (outcome.kind === 'gap') since = s.applied;
      else since = changes.toSeq;
      if (changes.toSeq >= changes.seq && outcome.kind === 'applied') break;
    }
    s.confirmed = { ...position, sentAt };
  }

  private async listen(): Promise<void> {
    if (this.stopped) return;
    let client: PoolClient | null = null;
    const lost = (err?: Error) => {
      if (this.listener !== client) return;
      this.listenerHealthy = false;
      this.listener = null;
      this.options.logger.warn({ err: err?.message }, 'locator lost its notification connection; asking every region until it is back');
      client?.release(true);
      setTimeout(() => void this.listen(), 1000).unref();
    };
    try {
      client = await this.options.pool.connect();
      this.listener = client;
      client.on('error', lost);
      client.on('end', () => lost());
      client.on('notification', (msg) => {
        if (msg.channel === MEMBERSHIP_CHANNEL && msg.payload) void this.refreshFromStore(msg.payload);
      });
      await client.query(`LISTEN ${MEMBERSHIP_CHANNEL}`);
      // Catch up on whatever was stored while nobody was listening.
      await Promise.all(this.capableRegions().map((r) => this.refreshFromStore(r.code)));
      this.listenerHealthy = true;
    } catch (err) {
      if (client && this.listener === client) lost(err as Error);
      else setTimeout(() => void this.listen(), 1000).unref();
    }
  }
}
