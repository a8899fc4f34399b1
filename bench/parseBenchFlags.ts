/** Everything a run is configured by; see bench/README.md. */
export interface BenchConfig {
  quick: boolean;
  full: boolean;
  /** Regions in the federated topology (R). */
  regions: number;
  /** Studies per region (S). */
  studies: number;
  /** Measured seconds per run (one target at one concurrency). */
  durationSeconds: number;
  warmupSeconds: number;
  /** Warm-up before the first run against a freshly started process (JIT). */
  firstWarmupSeconds: number;
  /** Hard cap per measured run, so a very fast target still ends. */
  maxRequestsPerRun: number;
  /** Measured runs at most per target and concurrency while other processes keep the machine busy. */
  maxAttempts: number;
  concurrencies: number[];
  /** Region counts for gateway CPU per request, and the fixed concurrency it is measured at. */
  cpuRegionCounts: number[];
  cpuConcurrency: number;
  /** Studies per region for the lookup-latency databases. */
  lookupSizes: number[];
  /** Studies loaded into an empty database to measure bulk ingest. */
  ingestStudies: number;
  /** Region history cache TTL (CACHE_TTL_SECONDS); 0 = every lookup reaches PostgreSQL. */
  regionCacheTtlSeconds: number;
  seed: number;
  /** Seconds of load profiled (V8 sampling profiler over the inspector). */
  profileSeconds: number;
  skipHive: boolean;
  skipStock: boolean;
  /** Studies per region in the locator scaling population (one database per region, all 42 codes). */
  scalingStudies: number;
  /** Lookups sent one by one to count region calls against the regions holding each patient. */
  routingLookups: number;
  /** Round trips (ms) of the delaying proxies, spread evenly over the regions; the central index gets the median. */
  delayRttMs: { min: number; max: number };
  /** Writes published through one replica while another's summary is watched. */
  replicaWrites: number;
  skipScaling: boolean;
  skipDelay: boolean;
  skipReplicas: boolean;
  /** Re-render latest.md, the SVGs and profile-summary.md from results/latest.json; run nothing. */
  reportOnly: boolean;
}

export const USAGE = `npm run bench -- [flags]

  --quick               3 regions x 10,000 studies, 3 s runs, no 1M lookups (a few minutes)
  --full                also measure region lookups at 1,000,000 studies
  --regions N           regions in the federated topology (default 10)
  --studies N           studies per region (default 200,000; 1,000,000 or more adds 1M lookups)
  --duration S          measured seconds per run (default 15; quick 3)
  --region-cache-ttl S  regions' history cache TTL (default 0: every lookup reaches PostgreSQL)
  --seed N              synthetic data seed (default 20261122)
  --skip-hive           do not install or run Hive Gateway
  --skip-stock          do not run stock @apollo/gateway
  --scaling-studies N   studies per region in the 42-region locator scaling population (default 5,000; quick 2,000)
  --replica-writes N    writes timed from one gateway replica to the other (default 100; quick 50)
  --skip-scaling        leave out CPU per request at 1..42 registered regions
  --skip-delay          leave out the comparison with network delay (delaying TCP proxies)
  --skip-replicas       leave out the two-replica publication window
  --report-only         re-render the report and charts from bench/results/latest.json
  --sync                only archive-sync throughput from a real Orthanc (10,000 studies, or --studies N)
  --help
`;

function positiveInt(flag: string, raw: string | undefined, min = 1): number {
  const n = Number(raw);
  if (raw === undefined || !Number.isInteger(n) || n < min) throw new Error(`${flag} needs a whole number >= ${min}, got ${raw ?? 'nothing'}`);
  return n;
}

/** Parses argv (without node and script). Returns null for --help. */
export function parseBenchFlags(argv: readonly string[]): BenchConfig | null {
  const given = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) throw new Error(`unexpected argument "${arg}"\n\n${USAGE}`);
    const [name, inline] = arg.slice(2).split('=', 2) as [string, string | undefined];
    if (['quick', 'full', 'help', 'skip-hive', 'skip-stock', 'skip-scaling', 'skip-delay', 'skip-replicas', 'report-only'].includes(name)) {
      given.set(name, true);
      continue;
    }
    if (!['regions', 'studies', 'duration', 'region-cache-ttl', 'seed', 'scaling-studies', 'replica-writes'].includes(name)) throw new Error(`unknown flag --${name}\n\n${USAGE}`);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`--${name} needs a value`);
    given.set(name, value);
  }
  if (given.has('help')) return null;
  const quick = given.has('quick');
  const full = given.has('full');
  const str = (k: string) => (typeof given.get(k) === 'string' ? (given.get(k) as string) : undefined);
  const regions = str('regions') ? positiveInt('--regions', str('regions')) : quick ? 3 : 10;
  const studies = str('studies') ? positiveInt('--studies', str('studies')) : quick ? 10_000 : 200_000;
  const durationSeconds = str('duration') ? positiveInt('--duration', str('duration')) : quick ? 3 : 15;
  if (regions > 60) throw new Error('--regions is at most 60');
  const lookupSizes = [10_000, 100_000];
  if (full || studies >= 1_000_000) lookupSizes.push(1_000_000);
  return {
    quick,
    full,
    regions,
    studies,
    durationSeconds,
    warmupSeconds: quick ? 1 : 3,
    firstWarmupSeconds: quick ? 3 : 8,
    maxRequestsPerRun: 200_000,
    maxAttempts: quick ? 2 : 3,
    concurrencies: [1, 8, 32],
    cpuRegionCounts: [1, 3, 10, 20, 42],
    cpuConcurrency: 8,
    lookupSizes,
    ingestStudies: quick ? 20_000 : 100_000,
    regionCacheTtlSeconds: str('region-cache-ttl') !== undefined ? positiveInt('--region-cache-ttl', str('region-cache-ttl'), 0) : 0,
    seed: str('seed') !== undefined ? positiveInt('--seed', str('seed'), 0) : 20_261_122,
    profileSeconds: quick ? 3 : 10,
    skipHive: given.has('skip-hive'),
    skipStock: given.has('skip-stock'),
    scalingStudies: str('scaling-studies') ? positiveInt('--scaling-studies', str('scaling-studies'), 100) : quick ? 2_000 : 5_000,
    routingLookups: quick ? 400 : 1_000,
    delayRttMs: { min: 2, max: 20 },
    replicaWrites: str('replica-writes') ? positiveInt('--replica-writes', str('replica-writes')) : quick ? 50 : 100,
    skipScaling: given.has('skip-scaling'),
    skipDelay: given.has('skip-delay'),
    skipReplicas: given.has('skip-replicas'),
    reportOnly: given.has('report-only'),
  };
}
