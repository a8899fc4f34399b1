/**
 * `npm run bench [-- flags]`: the national gateway against a single region, a centralised
 * baseline, stock @apollo/gateway and Hive Gateway, plus scaling figures. A benchmark, not
 * a test: jest never runs it. See bench/README.md for flags and method.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../lib/db/startEmbeddedPostgres';
import { listMultiRegionNhsNumbers } from '../subgraphs/region/synthetic/listMultiRegionNhsNumbers';
import { prepareBenchAuth } from './benchAuth';
import { centralDataset, measureIngest, prepareDatasets, regionDataset, type DatasetSpec } from './benchData';
import { killAllBenchProcessesNow, processRecords, ROOT, stopAllBenchProcesses } from './benchProcess';
import { benchRegions } from './benchRegions';
import type { BenchContext } from './BenchContext';
import type { BenchResults } from './BenchResults';
import { evaluateTargets } from './evaluateTargets';
import { parseBenchFlags, USAGE } from './parseBenchFlags';
import { setPostmasterPidFile } from './stackCpu';
import { startPeakSampler, type PeakSampler } from './startPeakSampler';
import { summariseCpuProfile, type CpuProfile } from './summariseCpuProfile';
import { renderCpuChart, renderLatencyChart, renderMarkdown, renderProfileSummary, renderThroughputChart } from './renderReport';
import { runCentralisedPhase } from './runCentralisedPhase';
import { runFederatedPhase } from './runFederatedPhase';
import { runLookupPhase } from './runLookupPhase';
import { runSyncBench } from './runSyncBench';
import { drawNhsNumbers } from './workload';
import { DEFAULT_LEASE_MS, DEFAULT_POLL_MS } from '../lib/locator/membershipProtocol';
import { emptyLocatorResults } from './LocatorResults';
import { measureLocatorFilter } from './measureLocatorFilter';
import { runReplicaWindowPhase } from './runReplicaWindowPhase';
import { HOT_PATH_PARTS, hotPathDatasets, runHotPath, type HotPathPart } from './runHotPath';
import { runScalingPhase } from './runScalingPhase';

/** The locator as deployed by default, stated explicitly: every gateway of the run but stock Apollo and Hive uses it. */
const LOCATOR_ENV = { LOCATOR: 'on', LOCATOR_POLL_MS: String(DEFAULT_POLL_MS), LOCATOR_LEASE_MS: String(DEFAULT_LEASE_MS) };

const RESULTS_DIR = path.join(ROOT, 'bench', 'results');
const TMP_DIR = path.join(RESULTS_DIR, 'tmp');

let embedded: EmbeddedPostgres | null = null;
let sampler: PeakSampler | null = null;
let cleaning: Promise<void> | null = null;

/** Stops every process the bench started, PostgreSQL last. Safe to call more than once. */
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    sampler?.stop();
    await stopAllBenchProcesses();
    if (embedded) await embedded.stop().catch(() => undefined);
  })();
  return cleaning;
}

let interrupted = false;

function onSignal(signal: NodeJS.Signals): void {
  interrupted = true;
  process.stderr.write(`\nbench: ${signal}, stopping every process it started...\n`);
  // Connections in use (a load, a query) fail as their servers stop: expected now, not a crash.
  process.on('uncaughtException', () => undefined);
  void cleanup().finally(() => process.exit(130));
}

function machine(): BenchResults['machine'] {
  const cpus = os.cpus();
  return { cpus: cpus.length, cpuModel: cpus[0]?.model.trim() ?? 'unknown', memoryGiB: os.totalmem() / 1024 ** 3, node: process.version, platform: os.platform(), release: os.release(), loadAverageAtStart: os.loadavg()[0] ?? 0 };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--sync')) {
    // Its own small run (issue #11): archive sync throughput from a real Orthanc.
    const at = argv.indexOf('--studies');
    const studies = at >= 0 ? Number(argv[at + 1]) : 10_000;
    if (!Number.isInteger(studies) || studies < 1) throw new Error('--studies needs a whole number >= 1');
    return runSyncBench(studies);
  }
  const hotPath = argv.includes('--hot-path');
  const hotLabelAt = argv.indexOf('--hot-path-label');
  const hotLabel = hotLabelAt >= 0 ? argv[hotLabelAt + 1] ?? '' : 'latest';
  if (hotPath && !/^[a-z0-9-]+$/.test(hotLabel)) throw new Error('--hot-path-label needs a name of a-z, 0-9 and -');
  const hotOnlyAt = argv.indexOf('--hot-path-only');
  const hotParts = hotOnlyAt >= 0 ? (argv[hotOnlyAt + 1] ?? '').split(',') : [...HOT_PATH_PARTS];
  if (hotParts.some((p) => !(HOT_PATH_PARTS as readonly string[]).includes(p))) throw new Error(`--hot-path-only takes some of ${HOT_PATH_PARTS.join(',')}`);
  // --hot-path: issue #13's targets in one run, over the quick bench's population (see runHotPath.ts).
  const config = parseBenchFlags(hotPath ? ['--quick', '--skip-hive', '--duration', '10', ...argv.filter((a, i) => !['--hot-path', '--hot-path-label', '--hot-path-only'].includes(a) && !['--hot-path-label', '--hot-path-only'].includes(argv[i - 1] ?? ''))] : argv);
  if (config && hotPath) config.profileSeconds = 5;
  if (!config) {
    process.stdout.write(USAGE);
    return;
  }
  if (config.reportOnly) {
    const results = JSON.parse(fs.readFileSync(path.join(RESULTS_DIR, 'latest.json'), 'utf8')) as BenchResults;
    // Profiles kept in results/tmp are summarised again (the summary's shape may have grown since).
    for (const p of results.profiles) {
      const file = path.join(ROOT, p.summary.file);
      if (fs.existsSync(file)) p.summary = summariseCpuProfile(JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile, p.summary.file, ROOT, p.summary.window);
    }
    results.targets = evaluateTargets(results);
    writeReport(results);
    return;
  }
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);
  process.on('exit', killAllBenchProcessesNow);
  fs.mkdirSync(TMP_DIR, { recursive: true });
  // Created here with the default mode: prepareBenchAuth makes `keys` with 0700 recursively, which would
  // leave .data itself unreadable to the `postgres` user that embedded PostgreSQL runs as under root.
  fs.mkdirSync(path.join(ROOT, '.data', 'bench'), { recursive: true });
  await prepareBenchAuth(path.join(ROOT, '.data', 'bench'));

  const regions = benchRegions(config.regions);
  const population = { seed: config.seed, regionCodes: regions.map((r) => r.code) };
  if (hotPath) {
    await withEmbeddedPostgres(async (adminUrl) => {
      const hot = hotPathDatasets(config.seed);
      const [central] = await prepareDatasets(adminUrl, [hot.central]);
      const perRegion = hot.regions.map((r) => ({ code: r.code, studyCount: hot.centralPerRegion }));
      const results = { profiles: [], sanity: [] } as unknown as BenchResults;
      await runHotPath({ config, adminUrl, population: hot.population, regions: hot.regions.map((r) => ({ ...r, dataset: central! })), central: central!, gatewayNhsNumbers: drawNhsNumbers(hot.population, perRegion, 2000, 1000, config.seed), tmpDir: TMP_DIR, results }, hotLabel, hotParts as HotPathPart[]);
    });
    await cleanup();
    return;
  }
  const results: BenchResults = {
    startedAt: new Date().toISOString(),
    finishedAt: '',
    config,
    machine: machine(),
    regionCodes: population.regionCodes,
    datasets: [],
    ingest: null,
    latency: [],
    cpuScaling: [],
    cpuPerExtraRegionMs: null,
    lookups: [],
    locator: emptyLocatorResults(LOCATOR_ENV),
    sanity: [],
    targets: [],
    profiles: [],
    processes: [],
    skipped: [],
  };
  process.stderr.write(`bench: ${config.regions} regions x ${config.studies.toLocaleString('en-GB')} studies, ${config.durationSeconds} s per run${config.quick ? ' (quick)' : ''}\n`);

  const adminUrl = await startPostgres();

  const regionSpecs = regions.map((r) => regionDataset(population, r.code, config.studies));
  const central = centralDataset(population, config.studies);
  const lookupSpecs = config.lookupSizes.map((n) => regionDataset(population, regions[0]!.code, n));
  // The locator's scaling population: every one of the 42 regions its own database, generated for all 42 codes.
  const scalingRegions = benchRegions(Math.max(...config.cpuRegionCounts));
  const scalingPopulation = { seed: config.seed, regionCodes: scalingRegions.map((r) => r.code) };
  const scalingSpecs = config.skipScaling ? [] : scalingRegions.map((r) => regionDataset(scalingPopulation, r.code, config.scalingStudies));
  const unique = new Map<string, DatasetSpec>();
  for (const spec of [...regionSpecs, central, ...lookupSpecs, ...scalingSpecs]) unique.set(spec.database, spec);
  const prepared = await prepareDatasets(adminUrl, [...unique.values()]);
  const byDb = new Map(prepared.map((p) => [p.spec.database, p]));
  results.datasets = prepared.map((p) => ({ database: p.spec.database, label: p.spec.label, studies: p.studies, reused: p.reused, load: p.load, recordedLoad: p.recordedLoad }));

  process.stderr.write(`bench: bulk ingest of ${config.ingestStudies.toLocaleString('en-GB')} studies into an empty database\n`);
  results.ingest = await measureIngest(adminUrl, population, regions[0]!.code, config.ingestStudies);

  const perRegion = regions.map((r) => ({ code: r.code, studyCount: config.studies }));
  const movers = listMultiRegionNhsNumbers({ ...population, studyCounts: config.studies, minRegions: 2, limit: 3 });
  const ctx: BenchContext = {
    config,
    adminUrl,
    population,
    regions: regions.map((r, i) => ({ ...r, dataset: byDb.get(regionSpecs[i]!.database)! })),
    central: byDb.get(central.database)!,
    gatewayNhsNumbers: drawNhsNumbers(population, perRegion, 2000, 1000, config.seed),
    tmpDir: TMP_DIR,
    results,
  };
  results.sanity = [...movers.map((m) => m.nhsNumber), ...ctx.gatewayNhsNumbers.slice(0, 2)].map((nhsNumber) => ({ nhsNumber, studies: {} }));

  await runFederatedPhase(ctx);
  if (config.skipScaling) results.skipped.push({ target: 'CPU against registered regions (1..42)', reason: '--skip-scaling' });
  else {
    const scaling = { population: scalingPopulation, studiesPerRegion: config.scalingStudies, regions: scalingRegions.map((r, i) => ({ ...r, dataset: byDb.get(scalingSpecs[i]!.database)! })) };
    await runScalingPhase(ctx, scaling, LOCATOR_ENV, results.locator!);
  }
  if (config.skipReplicas) results.skipped.push({ target: 'two-replica publication window', reason: '--skip-replicas' });
  else results.locator!.replicaWindow = await runReplicaWindowPhase(ctx, LOCATOR_ENV);
  await runCentralisedPhase(ctx);
  await runLookupPhase(ctx, config.lookupSizes.map((n) => byDb.get(regionDataset(population, regions[0]!.code, n).database)!));

  await cleanup();
  process.stderr.write('\nlocator: measuring the filter itself (bench/measureLocatorFilter.ts, 1M entries at 1% and 0.1%)...\n');
  results.locator!.filter = [measureLocatorFilter(1_000_000, 0.01), measureLocatorFilter(1_000_000, 0.001)];
  results.finishedAt = new Date().toISOString();
  results.processes = [...processRecords(), ...(sampler?.records() ?? []), { label: 'bench (load generator, data loading)', role: 'bench', pid: process.pid, ...selfUsage() }];
  results.targets = evaluateTargets(results);

  writeReport(results);
  const took = (Date.parse(results.finishedAt) - Date.parse(results.startedAt)) / 1000;
  process.stderr.write(`bench: done in ${Math.floor(took / 60)} min ${Math.round(took % 60)} s; results in ${path.relative(ROOT, RESULTS_DIR)}/ (latest.json, latest.md, *.svg, profile-summary.md)\n`);
}

/**
 * Server settings of the bench's embedded PostgreSQL beyond its defaults: what a region's
 * database server would be given on a machine of this size (24 GiB) for bulk loads. They
 * change no durability: fsync, synchronous_commit and full_page_writes stay on. A larger
 * buffer pool keeps the tables and indexes being filled in memory, and a larger WAL budget
 * avoids checkpoints (and the full-page images that follow each one) in the middle of a load.
 */
export const BENCH_POSTGRES_SETTINGS = { shared_buffers: '1GB', max_wal_size: '8GB', wal_buffers: '64MB' } as const;

/** DATABASE_URL, or the bench's embedded PostgreSQL (durable: fsync and synchronous_commit on, the default). */
async function startPostgres(): Promise<string> {
  if (process.env.DATABASE_URL) return process.env.DATABASE_URL;
  const dataDir = path.join(ROOT, '.data', 'bench');
  process.stderr.write(`bench: starting embedded PostgreSQL (data in ${path.relative(ROOT, dataDir)})\n`);
  embedded = await startEmbeddedPostgres({ dataDir, durable: true, settings: { ...BENCH_POSTGRES_SETTINGS } });
  sampler = startPeakSampler(path.join(dataDir, 'data', 'postmaster.pid'));
  setPostmasterPidFile(path.join(dataDir, 'data', 'postmaster.pid'));
  return embedded.url;
}

async function withEmbeddedPostgres(run: (adminUrl: string) => Promise<void>): Promise<void> {
  await run(await startPostgres());
}

/** Writes every output file from the results and prints the Markdown report. */
function writeReport(results: BenchResults): void {
  const markdown = renderMarkdown(results);
  fs.writeFileSync(path.join(RESULTS_DIR, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  fs.writeFileSync(path.join(RESULTS_DIR, 'latest.md'), `${markdown}\n`);
  fs.writeFileSync(path.join(RESULTS_DIR, 'latency.svg'), renderLatencyChart(results));
  fs.writeFileSync(path.join(RESULTS_DIR, 'throughput.svg'), renderThroughputChart(results));
  fs.writeFileSync(path.join(RESULTS_DIR, 'cpu-per-region.svg'), renderCpuChart(results));
  fs.writeFileSync(path.join(RESULTS_DIR, 'profile-summary.md'), `${renderProfileSummary(results)}\n`);
  process.stdout.write(`\n${markdown}\n`);
}

function selfUsage(): { peakRssMb: number; cpuSeconds: number } {
  const usage = process.resourceUsage();
  return { peakRssMb: usage.maxRSS / 1024, cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6 };
}

main().catch(async (err: unknown) => {
  // After Ctrl-C, whatever was running fails as its processes stop: not worth a stack trace.
  if (!interrupted) process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
  await cleanup();
  process.exit(1);
});
