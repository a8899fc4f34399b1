import { followChangeFeed } from './followChangeFeed';
import { OrthancChangeFeed } from './OrthancChangeFeed';
import { reconcileArchive, type Reconciliation } from './reconcileArchive';
import { emptyCounts, type PassCounts, type SyncContext } from './SyncContext';
import { walkListing } from './walkListing';

/**
 * - `full`: walk the whole QIDO-RS listing (limit/offset pages), fetch what is new or changed,
 *   then reconcile deletions. The first pass of every archive, `--once`, and every
 *   reconciliation period.
 * - `changes`: read the change feed from the stored checkpoint (archives with one).
 * - `listing`: a full walk without reconciliation (archives without a feed, between reconciliations).
 */
export type PassMode = 'full' | 'changes' | 'listing';

/** The `sync-pass` line: counts, what happened to reconciliation, and whether the pass completed. */
export interface PassReport extends PassCounts {
  event: 'sync-pass';
  archive: string;
  mode: PassMode;
  /** True when every read of the archive succeeded (listing and every study) and nothing waits for confirmation. */
  completed: boolean;
  reconciliation: 'not-run' | 'done' | 'aborted' | 'held';
  changeSeq: number | null;
  /** What became of the membership change of studies this pass added: published, not-registered, unpublished (waited one lease), or nothing-new. */
  membership: 'published' | 'not-registered' | 'unpublished' | 'nothing-new';
  seconds: number;
  error?: string;
}

export interface PassOptions {
  confirmRemovals: boolean;
}

/** One pass over one archive. Never throws for archive trouble: it reports it. */
export async function runSyncPass(ctx: SyncContext, mode: PassMode, options: PassOptions): Promise<PassReport> {
  const started = performance.now();
  const counts = emptyCounts();
  const { archive, store } = ctx;
  await store.ensureArchive(archive.name);
  const feed = archive.changeFeed.kind === 'orthanc' ? new OrthancChangeFeed(archive.changeFeed.restBaseUrl, archive.timeoutMs) : null;
  let error: string | null = null;
  let reconciliation: PassReport['reconciliation'] = 'not-run';
  let changeSeq: number | null = feed ? await store.checkpoint(archive.name) : null;
  if (mode === 'changes' && feed) {
    const followed = await followChangeFeed(ctx, feed, counts);
    changeSeq = followed.seq;
    error = followed.error;
  } else {
    // Read where the feed is before listing: whatever arrives during the walk is in the feed after it.
    const latest = feed ? await feed.latest() : null;
    if (latest && !latest.ok) error = latest.reason;
    const walked = await walkListing(ctx, counts);
    if (!walked.ok) error = walked.reason;
    else if (mode === 'full') {
      const r: Reconciliation = await reconcileArchive(ctx, walked.listed, options);
      reconciliation = r.kind;
      if (r.kind === 'done') counts.removed += r.removed;
      else error = r.reason;
    }
    if (walked.ok && latest?.ok && (changeSeq === null || latest.value > changeSeq)) {
      changeSeq = latest.value;
      await store.saveCheckpoint(archive.name, latest.value);
    }
  }
  if (error) {
    // A held removal is a question for the operator, not a read failure.
    if (reconciliation !== 'held') counts.errors = Math.max(counts.errors, 1);
    ctx.logger.warn({ archive: archive.name, error }, 'sync pass did not complete');
  }
  // The gateway routes a patient only to regions it knows hold them: it hears of patients
  // this pass added before the pass reports them stored (the same rule as /ingest).
  const membership = counts.upserted > 0 ? (await ctx.publisher.publish()).kind : 'nothing-new';
  const seconds = (performance.now() - started) / 1000;
  // A study whose details could not be read leaves the pass incomplete even when the listing was whole.
  const completed = error === null && counts.errors === 0;
  const report: PassReport = {
    event: 'sync-pass', archive: archive.name, mode, ...counts, completed, reconciliation, changeSeq, membership,
    seconds: Math.round(seconds * 1000) / 1000, ...(error ? { error } : {}),
  };
  ctx.metrics?.passEnded(archive.name, counts, seconds);
  if (feed && changeSeq !== null) {
    const latest = await feed.latest();
    if (latest.ok) ctx.metrics?.lag(archive.name, Math.max(0, latest.value - changeSeq));
  }
  await store.savePass(archive.name, report, error, reconciliation === 'done');
  return report;
}
