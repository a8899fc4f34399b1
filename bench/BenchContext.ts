import type { PreparedDataset } from './benchData';
import type { BenchResults } from './BenchResults';
import type { BenchConfig } from './parseBenchFlags';
import type { PopulationSpec } from './workload';

/** What every phase of a run shares. */
export interface BenchContext {
  config: BenchConfig;
  /** Admin URL of the PostgreSQL server holding every bench database. */
  adminUrl: string;
  population: PopulationSpec;
  regions: Array<{ code: string; name: string; dataset: PreparedDataset }>;
  central: PreparedDataset;
  /** NHS numbers for gateway-level workloads (federated, centralised, stock, Hive): the same list for all. */
  gatewayNhsNumbers: string[];
  /** Scratch files of this run (supergraph, CPU profiles): bench/results/tmp. */
  tmpDir: string;
  results: BenchResults;
}
