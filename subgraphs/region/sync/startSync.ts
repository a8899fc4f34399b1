import type { Pool } from 'pg';
import type { Logger } from '../../../lib/logger';
import type { IndexCache } from '../IndexCache';
import type { SyncConfig } from './ArchiveConfig';
import { DicomWebClient } from './DicomWebClient';
import { runSyncPass, type PassMode, type PassReport } from './runSyncPass';
import type { MembershipPublication, SyncContext } from './SyncContext';
import type { SyncMetrics } from './SyncMetrics';
import { SyncStore } from './SyncStore';

/** Options for {@link runSyncOnce} and {@link startSync}. */
export interface SyncOptions {
  config: SyncConfig;
  /** The region's index database, migrated. */
  pool: Pool;
  logger: Logger;
  /** The region's history cache when running in the region process. @default null */
  cache?: IndexCache | null;
  metrics?: SyncMetrics | null;
  /** The region's membership publisher (see {@link SyncContext.publisher}). */
  publisher: MembershipPublication;
  /** Let reconciliation remove more than maxRemoveShare. @default false */
  confirmRemovals?: boolean;
  /** Called with every pass's report (the CLI prints it as the `sync-pass` line). */
  onPass?: (report: PassReport) => void;
}

function contexts(options: SyncOptions): SyncContext[] {
  const store = new SyncStore(options.pool);
  return options.config.archives.map((archive) => ({
    archive,
    pool: options.pool,
    store,
    client: new DicomWebClient(archive.dicomwebBaseUrl, archive.timeoutMs),
    logger: options.logger,
    cache: options.cache ?? null,
    metrics: options.metrics ?? null,
    publisher: options.publisher,
  }));
}

/** One full pass (listing, fetch, reconciliation) over every archive, one after another. */
export async function runSyncOnce(options: SyncOptions): Promise<PassReport[]> {
  const reports: PassReport[] = [];
  for (const ctx of contexts(options)) {
    const report = await runSyncPass(ctx, 'full', { confirmRemovals: options.confirmRemovals ?? false });
    options.onPass?.(report);
    reports.push(report);
  }
  return reports;
}

export interface RunningSync {
  /** Finishes the pass in progress, then stops. */
  stop(): Promise<void>;
}

/**
 * Follows every archive until stopped: a full pass first and then every reconcileSeconds,
 * in between the change feed (or, without one, a listing walk) every pollSeconds. A
 * database failure is logged and retried at the next poll.
 */
export function startSync(options: SyncOptions): RunningSync {
  const ctxs = contexts(options);
  const lastFull = new Map<string, number>();
  let stopped = false;
  let wake: (() => void) | null = null;
  const loop = (async () => {
    while (!stopped) {
      for (const ctx of ctxs) {
        if (stopped) break;
        const due = (lastFull.get(ctx.archive.name) ?? -Infinity) + options.config.reconcileSeconds * 1000 <= Date.now();
        const mode: PassMode = due ? 'full' : ctx.archive.changeFeed.kind === 'orthanc' ? 'changes' : 'listing';
        try {
          const report = await runSyncPass(ctx, mode, { confirmRemovals: options.confirmRemovals ?? false });
          if (mode === 'full' && report.completed) lastFull.set(ctx.archive.name, Date.now());
          options.onPass?.(report);
        } catch (err) {
          options.logger.error({ archive: ctx.archive.name, err: (err as Error).message }, 'sync pass failed');
        }
      }
      if (stopped) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, options.config.pollSeconds * 1000);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = null;
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      (wake as (() => void) | null)?.();
      await loop;
    },
  };
}
