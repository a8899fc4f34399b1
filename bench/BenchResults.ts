import type { LoadSummary } from '../subgraphs/region/bulk/loadStudies';
import type { IngestMeasurement } from './benchData';
import type { ProcessRecord } from './benchProcess';
import type { BenchConfig } from './parseBenchFlags';
import type { Measured } from './measureTarget';
import type { LatencySummary, LoadResult } from './runClosedLoop';
import type { LocatorResults } from './LocatorResults';
import type { IdleCpu } from './measureIdleCpu';
import type { ProfileSummary } from './summariseCpuProfile';

/** The systems the same workload runs against. */
export type TargetName = 'federated' | 'region-direct' | 'centralised' | 'stock-apollo' | 'hive' | 'federated-delayed' | 'centralised-delayed';

export const TARGET_LABELS: Readonly<Record<TargetName, string>> = {
  federated: '(a) ours, federated over R regions',
  'region-direct': '(b) one region direct',
  centralised: '(c) ours, centralised (1 region)',
  'stock-apollo': '(d) stock @apollo/gateway, centralised',
  hive: '(d) Hive Gateway, centralised',
  'federated-delayed': '(a) ours, federated over R regions, 2-20 ms round trips',
  'centralised-delayed': '(c) ours, centralised, median round trip',
};

/** One target at one concurrency. */
export interface LatencyRun extends Measured {
  target: TargetName;
  concurrency: number;
}

export interface CpuScalingRun {
  regions: number;
  /** Registered codes, each its own region process over its own database. */
  registered: string[];
  /** Milliseconds from registration until /readyz showed every registered region's summary fresh. */
  msToFresh?: number;
  /** CPU per second with no requests (the locator's polls, background work), just before the measured run. */
  idle?: IdleCpu;
  concurrency: number;
  requests: number;
  errors: number;
  throughput: number;
  p50Ms: number;
  cpuMsPerRequest: number | null;
  regionsCpuMsPerRequest: number | null;
  stackCpuMsPerRequest: number;
  machineCpuMsPerRequest: number | null;
  otherCpuShare: number | null;
}

export interface LookupRun {
  studiesPerRegion: number;
  database: string;
  /** The region's /graphql at concurrency 1 (HTTP, Apollo Server, resolvers, SQL). */
  http: LoadResult;
  /** The history SQL alone (selectHistories), one connection, back to back. */
  sql: LatencySummary & { requests: number };
}

export interface DatasetReport {
  database: string;
  label: string;
  studies: number;
  reused: boolean;
  load: LoadSummary | null;
  recordedLoad: LoadSummary | null;
}

export interface TargetCheck {
  name: string;
  status: 'MET' | 'NOT MET' | 'NOT MEASURED';
  detail: string;
  /** The targets compared (federated, centralised, stock-apollo, ...), for readers of the JSON. */
  compares?: TargetName[];
}

export interface Skipped {
  target: string;
  reason: string;
}

export interface SanityCheck {
  nhsNumber: string;
  /** Studies in the full history, per target; they should agree. */
  studies: Partial<Record<TargetName, number | null>>;
}

export interface BenchResults {
  startedAt: string;
  finishedAt: string;
  config: BenchConfig;
  machine: {
    cpus: number;
    cpuModel: string;
    memoryGiB: number;
    node: string;
    platform: string;
    release: string;
    /** 1-minute load average when the bench started: anything else running skews the figures. */
    loadAverageAtStart: number;
  };
  regionCodes: string[];
  datasets: DatasetReport[];
  ingest: IngestMeasurement | null;
  latency: LatencyRun[];
  cpuScaling: CpuScalingRun[];
  /** Least-squares slope of CPU ms per request against registered regions. */
  cpuPerExtraRegionMs: number | null;
  lookups: LookupRun[];
  /** The patient locator's figures (issue #10 item 6); absent from runs before it. */
  locator?: LocatorResults;
  sanity: SanityCheck[];
  targets: TargetCheck[];
  profiles: Array<{ label: string; summary: ProfileSummary }>;
  processes: ProcessRecord[];
  skipped: Skipped[];
}
