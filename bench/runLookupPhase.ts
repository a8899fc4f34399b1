import { Pool } from 'pg';
import { selectHistories } from '../subgraphs/region/db/studyReads';
import type { PreparedDataset } from './benchData';
import type { BenchContext } from './BenchContext';
import { startRegion } from './benchServices';
import { logRun, measureTarget } from './measureTarget';
import { profileTarget } from './profileTarget';
import { summarise, type LatencySummary } from './runClosedLoop';
import { createBodySource, drawNhsNumbers } from './workload';

/** The history query alone, back to back on one connection: what PostgreSQL costs without HTTP and GraphQL. */
export async function measureSql(databaseUrl: string, nhsNumbers: readonly string[], durationMs: number, maxRequests: number): Promise<LatencySummary & { requests: number }> {
  const pool = new Pool({ connectionString: databaseUrl, max: 1 });
  pool.on('error', () => undefined);
  try {
    for (let i = 0; i < Math.min(200, nhsNumbers.length); i++) await selectHistories(pool, [nhsNumbers[i]!]);
    const samples: number[] = [];
    const until = performance.now() + durationMs;
    for (let i = 0; performance.now() < until && samples.length < maxRequests; i++) {
      const started = performance.now();
      await selectHistories(pool, [nhsNumbers[i % nhsNumbers.length]!]);
      samples.push(performance.now() - started);
    }
    return { ...summarise(Float64Array.from(samples)), requests: samples.length };
  } finally {
    await pool.end();
  }
}

/** Region lookup latency at concurrency 1 against studies per region, one database per size. */
export async function runLookupPhase(ctx: BenchContext, datasets: readonly PreparedDataset[]): Promise<void> {
  const { config } = ctx;
  const code = ctx.regions[0]!.code;
  process.stderr.write(`\nregion lookups (${code}, concurrency 1, cache TTL ${config.regionCacheTtlSeconds} s):\n`);
  for (const dataset of datasets) {
    const studies = dataset.studies;
    const region = await startRegion({ code, name: ctx.regions[0]!.name, label: `region ${code} @ ${studies.toLocaleString('en-GB')} studies`, databaseUrl: dataset.databaseUrl, cacheTtlSeconds: config.regionCacheTtlSeconds });
    try {
      const numbers = drawNhsNumbers(ctx.population, [{ code, studyCount: studies }], 5000, 0, config.seed + 2);
      const http = await measureTarget(config, { url: region.url, to: { audience: 'region', regionCode: code }, server: region.proc, concurrency: 1, nextBody: createBodySource(numbers, config.seed + 2) });
      logRun(`region ${code} @ ${studies.toLocaleString('en-GB')} studies`, 1, http);
      const sql = await measureSql(dataset.databaseUrl, numbers, config.durationSeconds * 1000, config.maxRequestsPerRun);
      process.stderr.write(`  ${'  history SQL alone'.padEnd(44)}        p50 ${sql.p50.toFixed(2)}  p95 ${sql.p95.toFixed(2)}  p99 ${sql.p99.toFixed(2)} ms\n`);
      ctx.results.lookups.push({ studiesPerRegion: studies, database: dataset.spec.database, http, sql });
    } finally {
      await region.proc.stop();
    }
  }

  // Where a region's time goes on the largest database, profiled in a separate run.
  const largest = [...datasets].sort((a, b) => b.studies - a.studies)[0];
  if (!largest) return;
  const label = `region ${code} @ ${largest.studies.toLocaleString('en-GB')} studies`;
  const region = await startRegion({ code, name: ctx.regions[0]!.name, label: `${label} (profiled)`, databaseUrl: largest.databaseUrl, cacheTtlSeconds: config.regionCacheTtlSeconds, inspect: true });
  const numbers = drawNhsNumbers(ctx.population, [{ code, studyCount: largest.studies }], 5000, 0, config.seed + 3);
  await profileTarget(ctx, 'profile-region', `${label}, called directly, concurrency 1`, region, { to: { audience: 'region', regionCode: code }, concurrency: 1, nextBody: createBodySource(numbers, config.seed + 3) });
  await region.proc.stop();
}
