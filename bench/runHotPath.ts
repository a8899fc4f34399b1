import fs from 'node:fs';
import path from 'node:path';
import { Session } from 'node:inspector/promises';
import { Pool } from 'pg';
import { GATEWAY } from './benchAuth';
import { centralDataset, measureIngest, prepareDatasets, regionDataset, type IngestMeasurement } from './benchData';
import { ROOT } from './benchProcess';
import { benchRegions, CENTRAL_REGION } from './benchRegions';
import type { BenchContext } from './BenchContext';
import { freshNationalDatabase, setRegistrations, startOurGateway, startRegion, startStockGateway, writeCentralSupergraph, type BenchService } from './benchServices';
import { baseUrlOf, waitUntilLocatorFresh } from './gatewayLocatorState';
import { countStudies, logRun, measureTarget, type Measured } from './measureTarget';
import { renderProfileMarkdown } from './renderReport';
import { measureSql } from './runLookupPhase';
import { profileTarget } from './profileTarget';
import { summariseCpuProfile, type CpuProfile, type ProfileSummary } from './summariseCpuProfile';
import { createBodySource, drawNhsNumbers } from './workload';

/** Issue #13's figures, all from one run (`npm run bench -- --hot-path`). */
export interface HotPathResults {
  startedAt: string;
  finishedAt: string;
  label: string;
  postgres: Record<string, string>;
  centralStudies: number;
  lookupStudies: number;
  gateway: Array<{ target: 'ours' | 'stock'; concurrency: number } & Measured>;
  regionLookup: (Measured & { sql: { p50: number; p95: number; p99: number } }) | null;
  ingest: IngestMeasurement | null;
  profiles: Array<{ label: string; summary: ProfileSummary }>;
  targets: Array<{ target: string; met: boolean | null; figures: string }>;
}

/** What the hot path is measured on: the quick bench's 3-region population, lookups and ingest at 1M. */
const HOT = { regions: 3, centralPerRegion: 10_000, lookupStudies: 1_000_000, ingestStudies: 1_000_000, profiledIngest: 200_000 };
/** Full .cpuprofile files are kept next to their summaries only below this size (the rest stay in results/tmp). */
const MAX_KEPT_PROFILE_BYTES = 2 * 1024 * 1024;

async function postgresSettings(adminUrl: string): Promise<Record<string, string>> {
  const pool = new Pool({ connectionString: adminUrl, max: 1 });
  pool.on('error', () => undefined);
  try {
    const out: Record<string, string> = {};
    for (const name of ['server_version', 'fsync', 'synchronous_commit', 'full_page_writes', 'wal_level', 'shared_buffers', 'max_wal_size', 'checkpoint_timeout', 'maintenance_work_mem']) {
      out[name] = (await pool.query<{ v: string }>(`SELECT current_setting($1) AS v`, [name])).rows[0]!.v;
    }
    return out;
  } finally {
    await pool.end();
  }
}

/** The loader's own profile: a smaller ingest in this process (generator + COPY encoding), sampled at 1 ms. */
async function profileIngest(ctx: BenchContext, dir: string): Promise<{ label: string; summary: ProfileSummary }> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 1000 });
  await session.post('Profiler.start');
  const from = Number(process.hrtime.bigint() / 1000n);
  await measureIngest(ctx.adminUrl, ctx.population, ctx.regions[0]!.code, HOT.profiledIngest);
  const to = Number(process.hrtime.bigint() / 1000n);
  const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: CpuProfile };
  session.disconnect();
  const file = path.join(ctx.tmpDir, 'hotpath-loader.cpuprofile');
  fs.writeFileSync(file, JSON.stringify(profile));
  keepSmallProfile(file, dir);
  return { label: `bulk loader (bench process: generator + loadStudies), ${HOT.profiledIngest.toLocaleString('en-GB')} studies into an empty region`, summary: summariseCpuProfile(profile, path.relative(ROOT, file), ROOT, { fromUs: from, toUs: to }) };
}

function keepSmallProfile(file: string, dir: string): void {
  if (fs.statSync(file).size < MAX_KEPT_PROFILE_BYTES) fs.copyFileSync(file, path.join(dir, path.basename(file)));
}

async function measureGateways(ctx: BenchContext, results: HotPathResults): Promise<void> {
  const nationalUrl = await freshNationalDatabase(ctx.adminUrl, 'bench_national_hotpath');
  const ours = await startOurGateway({ label: 'our gateway (centralised)', databaseUrl: nationalUrl });
  const region = await startRegion({ ...CENTRAL_REGION, label: `region ${CENTRAL_REGION.code} (centralised)`, databaseUrl: ctx.central.databaseUrl, cacheTtlSeconds: 0, gatewayUrl: baseUrlOf(ours.url) });
  try {
    await setRegistrations(ours.url, [{ ...CENTRAL_REGION, url: region.url }]);
    await waitUntilLocatorFresh(ours.url, [CENTRAL_REGION.code]);
    const bodies = createBodySource(ctx.gatewayNhsNumbers, ctx.config.seed);
    const run = async (target: 'ours' | 'stock', service: BenchService) => {
      for (const check of ctx.results.sanity) check.studies[target === 'ours' ? 'centralised' : 'stock-apollo'] = await countStudies(service.url, GATEWAY, check.nhsNumber);
      for (const concurrency of [1, 8]) {
        const r = await measureTarget(ctx.config, { url: service.url, to: GATEWAY, server: service.proc, regions: [region.proc], concurrency, nextBody: bodies });
        results.gateway.push({ target, concurrency, ...r });
        logRun(target === 'ours' ? '(c) ours, centralised' : '(d) stock @apollo/gateway', concurrency, r);
      }
    };
    await run('ours', ours);
    await ours.proc.stop();
    const profiled = await startOurGateway({ label: 'our gateway (centralised, profiled)', databaseUrl: nationalUrl, inspect: true });
    await waitUntilLocatorFresh(profiled.url, [CENTRAL_REGION.code]);
    await profileTarget(ctx, 'hotpath-gateway', 'our gateway, centralised (1 region), c=8', profiled, { to: GATEWAY, concurrency: 8, nextBody: bodies });
    await profiled.proc.stop();
    const supergraphFile = path.join(ctx.tmpDir, 'supergraph-central.graphql');
    writeCentralSupergraph(region.url, supergraphFile);
    const stock = await startStockGateway(supergraphFile, CENTRAL_REGION.code);
    await run('stock', stock);
    await stock.proc.stop();
  } finally {
    await region.proc.stop();
  }
}

async function measureRegionLookups(ctx: BenchContext, results: HotPathResults, lookup: { databaseUrl: string; studies: number }): Promise<void> {
  const code = ctx.regions[0]!.code;
  const name = ctx.regions[0]!.name;
  const label = `region ${code} @ ${lookup.studies.toLocaleString('en-GB')} studies`;
  const numbers = drawNhsNumbers(ctx.population, [{ code, studyCount: lookup.studies }], 5000, 0, ctx.config.seed + 2);
  const region = await startRegion({ code, name, label, databaseUrl: lookup.databaseUrl, cacheTtlSeconds: 0 });
  try {
    const http = await measureTarget(ctx.config, { url: region.url, to: { audience: 'region', regionCode: code }, server: region.proc, concurrency: 1, nextBody: createBodySource(numbers, ctx.config.seed + 2) });
    logRun(label, 1, http);
    const sql = await measureSql(lookup.databaseUrl, numbers, ctx.config.durationSeconds * 1000, ctx.config.maxRequestsPerRun);
    process.stderr.write(`  ${'  history SQL alone'.padEnd(44)}        p50 ${sql.p50.toFixed(2)}  p95 ${sql.p95.toFixed(2)}  p99 ${sql.p99.toFixed(2)} ms\n`);
    results.regionLookup = { ...http, sql: { p50: sql.p50, p95: sql.p95, p99: sql.p99 } };
  } finally {
    await region.proc.stop();
  }
  const profiled = await startRegion({ code, name, label: `${label} (profiled)`, databaseUrl: lookup.databaseUrl, cacheTtlSeconds: 0, inspect: true });
  try {
    await profileTarget(ctx, 'hotpath-region', `${label}, called directly, c=1`, profiled, { to: { audience: 'region', regionCode: code }, concurrency: 1, nextBody: createBodySource(numbers, ctx.config.seed + 3) });
  } finally {
    await profiled.proc.stop();
  }
}

function evaluate(r: HotPathResults): HotPathResults['targets'] {
  const g = (target: 'ours' | 'stock', c: number) => r.gateway.find((x) => x.target === target && x.concurrency === c) ?? null;
  const f = (v: number | null | undefined, d = 2) => (v === null || v === undefined ? '-' : v.toFixed(d));
  const out: HotPathResults['targets'] = [];
  const [o1, s1, o8, s8] = [g('ours', 1), g('stock', 1), g('ours', 8), g('stock', 8)];
  out.push(o1 && s1 ? { target: 'gateway p50 at c=1 <= stock @apollo/gateway', met: o1.latencyMs.p50 <= s1.latencyMs.p50, figures: `ours ${f(o1.latencyMs.p50)} ms, stock ${f(s1.latencyMs.p50)} ms (CPU/req ${f(o1.serverCpuMsPerRequest)} vs ${f(s1.serverCpuMsPerRequest)} ms)` } : { target: 'gateway p50 at c=1 <= stock', met: null, figures: 'not measured' });
  out.push(
    o8 && s8 && o8.serverCpuMsPerRequest !== null && s8.serverCpuMsPerRequest !== null
      ? { target: 'gateway CPU/req at c=8 <= 0.6x stock', met: o8.serverCpuMsPerRequest <= 0.6 * s8.serverCpuMsPerRequest, figures: `ours ${f(o8.serverCpuMsPerRequest, 3)} ms, stock ${f(s8.serverCpuMsPerRequest, 3)} ms (ratio ${f(o8.serverCpuMsPerRequest / s8.serverCpuMsPerRequest)}; p50 ${f(o8.latencyMs.p50)} vs ${f(s8.latencyMs.p50)} ms)` }
      : { target: 'gateway CPU/req at c=8 <= 0.6x stock', met: null, figures: 'not measured' },
  );
  const l = r.regionLookup;
  out.push(l ? { target: `region lookup p99 at c=1 < 3 ms (${r.lookupStudies.toLocaleString('en-GB')} studies)`, met: l.latencyMs.p99 < 3, figures: `p50 ${f(l.latencyMs.p50)}, p99 ${f(l.latencyMs.p99)} ms (SQL alone p99 ${f(l.sql.p99)} ms)` } : { target: 'region lookup p99 < 3 ms', met: null, figures: 'not measured' });
  out.push(l && l.serverCpuMsPerRequest !== null ? { target: 'region CPU/req < 0.3 ms', met: l.serverCpuMsPerRequest < 0.3, figures: `${f(l.serverCpuMsPerRequest, 3)} ms (stack ${f(l.stackCpuMsPerRequest, 3)} ms)` } : { target: 'region CPU/req < 0.3 ms', met: null, figures: 'not measured' });
  const i = r.ingest;
  out.push(i ? { target: `bulk ingest >= 25,000 studies/s (${r.lookupStudies.toLocaleString('en-GB')} into an empty region, durable)`, met: i.studiesPerSecond >= 25_000, figures: `${Math.round(i.studiesPerSecond).toLocaleString('en-GB')} studies/s (${f(i.seconds, 1)} s; loader CPU ${f(i.loaderCpuSeconds, 1)} s, stack ${f(i.stackCpuSeconds, 1)} s)` } : { target: 'bulk ingest >= 25,000/s', met: null, figures: 'not measured' });
  return out;
}

export function renderHotPath(r: HotPathResults): string {
  const out = [`# Hot path (issue #13): ${r.label}`, '', `${r.startedAt} .. ${r.finishedAt}`, '', `PostgreSQL: ${Object.entries(r.postgres).map(([k, v]) => `${k}=${v}`).join(', ')}`, ''];
  out.push('| target | status | figures |', '| --- | --- | --- |');
  for (const t of r.targets) out.push(`| ${t.target} | ${t.met === null ? 'NOT MEASURED' : t.met ? 'MET' : 'NOT MET'} | ${t.figures} |`);
  out.push('', '| gateway target | c | req/s | p50 | p99 | gateway CPU ms/req | region CPU ms/req | other load |', '| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const g of r.gateway) out.push(`| ${g.target} | ${g.concurrency} | ${g.throughput.toFixed(0)} | ${g.latencyMs.p50.toFixed(2)} | ${g.latencyMs.p99.toFixed(2)} | ${g.serverCpuMsPerRequest?.toFixed(3) ?? '-'} | ${g.regionsCpuMsPerRequest?.toFixed(3) ?? '-'} | ${g.otherCpuShare === null ? '-' : `${Math.round(100 * g.otherCpuShare)}%`} |`);
  out.push('');
  return out.join('\n');
}

/** Parts of the hot-path run; `--hot-path-only region,ingest` runs some of them (for iterating, not for the targets). */
export type HotPathPart = 'ingest' | 'gateway' | 'region';
export const HOT_PATH_PARTS: readonly HotPathPart[] = ['ingest', 'gateway', 'region'];

/** `npm run bench -- --hot-path [--hot-path-label NAME]`: issue #13's four targets in one run. */
export async function runHotPath(ctx: BenchContext, label: string, parts: readonly HotPathPart[] = HOT_PATH_PARTS): Promise<void> {
  const dir = path.join(ROOT, 'bench', 'results', 'hotpath', label);
  fs.mkdirSync(dir, { recursive: true });
  const results: HotPathResults = { startedAt: new Date().toISOString(), finishedAt: '', label, postgres: await postgresSettings(ctx.adminUrl), centralStudies: ctx.central.studies, lookupStudies: HOT.lookupStudies, gateway: [], regionLookup: null, ingest: null, profiles: [], targets: [] };
  process.stderr.write(`hot path: PostgreSQL ${Object.entries(results.postgres).map(([k, v]) => `${k}=${v}`).join(' ')}\n`);
  const [lookup] = await prepareDatasets(ctx.adminUrl, [regionDataset(ctx.population, ctx.regions[0]!.code, HOT.lookupStudies)]);

  if (parts.includes('ingest')) {
    process.stderr.write(`\nbulk ingest of ${HOT.ingestStudies.toLocaleString('en-GB')} studies into an empty region (durable)\n`);
    results.ingest = await measureIngest(ctx.adminUrl, ctx.population, ctx.regions[0]!.code, HOT.ingestStudies);
    results.profiles.push(await profileIngest(ctx, dir));
  }
  if (parts.includes('gateway')) {
    process.stderr.write('\ncentralised: (c) ours vs (d) stock @apollo/gateway\n');
    await measureGateways(ctx, results);
  }
  if (parts.includes('region')) {
    process.stderr.write('\nregion lookups at 1M\n');
    await measureRegionLookups(ctx, results, lookup!);
  }

  results.profiles.push(...ctx.results.profiles);
  for (const p of ctx.results.profiles) keepSmallProfile(path.join(ROOT, p.summary.file), dir);
  results.finishedAt = new Date().toISOString();
  results.targets = evaluate(results);
  fs.writeFileSync(path.join(dir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  const markdown = renderHotPath(results);
  fs.writeFileSync(path.join(dir, 'results.md'), `${markdown}\n`);
  fs.writeFileSync(path.join(dir, 'profiles.md'), `${results.profiles.map((p) => renderProfileMarkdown(p.label, p.summary)).join('\n')}\n`);
  process.stdout.write(`\n${markdown}\n`);
}

/** The population and datasets of the hot-path run (the central one is the quick bench's). */
export function hotPathDatasets(seed: number) {
  const regions = benchRegions(HOT.regions);
  const population = { seed, regionCodes: regions.map((r) => r.code) };
  return { regions, population, central: centralDataset(population, HOT.centralPerRegion), centralPerRegion: HOT.centralPerRegion };
}
