import { DEFAULT_NHS_NUMBER_PLACEMENTS, type NhsNumberPlacement } from '../bulk/NhsNumberPlacement';

/** How the sync learns about new studies in one archive. */
export type ChangeFeed =
  /** Orthanc's `/changes?since=N&limit=M` (NewStudy, StableStudy), resumed from the stored `Last`. */
  | { kind: 'orthanc'; restBaseUrl: string }
  /** No feed: every poll walks the whole QIDO-RS listing and fetches what is new or changed. */
  | { kind: 'none' };

/** One archive a region is fed from. Built by {@link readSyncConfig}. */
export interface ArchiveConfig {
  /** Stable name, the key of its checkpoint and quarantine rows (e.g. "lds-pacs"). */
  name: string;
  /** DICOMweb base, e.g. http://pacs.internal:8042/dicom-web (QIDO-RS and WADO-RS below it). */
  dicomwebBaseUrl: string;
  /** Public DICOMweb base written into retrieve links in place of the archive's own RetrieveURL. */
  publicBaseUrl: string | null;
  /** Viewer link, `{studyInstanceUid}` replaced by the study's UID. */
  viewerUrlTemplate: string | null;
  nhsNumberPlacements: readonly NhsNumberPlacement[];
  changeFeed: ChangeFeed;
  /** Read WADO-RS metadata of one instance per study (Other Patient IDs, institution codes). @default true */
  fetchMetadata: boolean;
  /** QIDO-RS page size. @default 200 */
  pageSize: number;
  /** Largest share of this archive's studies one reconciliation may remove without confirmation. @default 0.05 */
  maxRemoveShare: number;
  /** Per-request timeout in ms. @default 30000 */
  timeoutMs: number;
}

/** Everything the sync runs with. */
export interface SyncConfig {
  archives: ArchiveConfig[];
  /** Seconds between polls of the change feed (or listing) when following. @default 10 */
  pollSeconds: number;
  /** Seconds between reconciliations when following. @default 3600 */
  reconcileSeconds: number;
}

export const SYNC_DEFAULTS = {
  fetchMetadata: true,
  pageSize: 200,
  maxRemoveShare: 0.05,
  timeoutMs: 30_000,
  pollSeconds: 10,
  reconcileSeconds: 3600,
  nhsNumberPlacements: DEFAULT_NHS_NUMBER_PLACEMENTS,
} as const;
