import type { Pool } from 'pg';
import type { Logger } from '../../../lib/logger';
import type { IndexCache } from '../IndexCache';
import type { Publication } from '../membership/MembershipPublisher';
import type { ArchiveConfig } from './ArchiveConfig';
import type { DicomWebClient } from './DicomWebClient';
import type { SyncMetrics } from './SyncMetrics';
import type { SyncStore } from './SyncStore';

/** What one archive's sync works with. */
export interface SyncContext {
  archive: ArchiveConfig;
  pool: Pool;
  store: SyncStore;
  client: DicomWebClient;
  logger: Logger;
  /** The region's history cache when the sync runs inside the region process; null otherwise (entries expire by TTL). */
  cache: IndexCache | null;
  metrics: SyncMetrics | null;
  /**
   * Tells the national gateway of patients the sync added (the region's MembershipPublisher,
   * or one configured like it for the CLI), before the pass reports them stored.
   */
  publisher: MembershipPublication;
}

/** What the sync needs of the region's membership publisher. */
export interface MembershipPublication {
  publish(): Promise<Publication>;
}

/** The counts every pass reports in its `sync-pass` line. */
export interface PassCounts {
  /** Studies the archive listed or announced in this pass. */
  seen: number;
  /** Inserted or changed in the index. */
  upserted: number;
  /** Already in the index as the archive has them. */
  unchanged: number;
  /** Refused by validation and kept in quarantine with reasons. */
  quarantined: number;
  /** Marked NOT_IN_ARCHIVE by reconciliation. */
  removed: number;
  /** Studies or pages that could not be read. */
  errors: number;
}

export function emptyCounts(): PassCounts {
  return { seen: 0, upserted: 0, unchanged: 0, quarantined: 0, removed: 0, errors: 0 };
}
