import { Pool } from 'pg';
import { GATEWAY } from './benchAuth';
import type { PreparedDataset } from './benchData';
import { freshNationalDatabase, setRegistrations, startOurGateway, startRegionsInBatches } from './benchServices';
import type { BenchContext } from './BenchContext';
import { baseUrlOf, waitUntilLocatorFresh } from './gatewayLocatorState';
import type { LocatorResults } from './LocatorResults';
import { logRun, measureTarget } from './measureTarget';
import { measureIdleCpu } from './measureIdleCpu';
import { measureRouting } from './measureRouting';
import { profileTarget } from './profileTarget';
import { slope } from './runFederatedPhase';
import { createBodySource, drawNhsNumbers, type PopulationSpec } from './workload';

/** Connections per scaling region: 42 regions x the default 10 would pass PostgreSQL's max_connections (300). */
const SCALING_POOL_SIZE = 4;

export interface ScalingPopulation {
  population: PopulationSpec;
  regions: Array<{ code: string; name: string; dataset: PreparedDataset }>;
  studiesPerRegion: number;
}

async function patientsIn(databaseUrl: string): Promise<number> {
  const pool = new Pool({ connectionString: databaseUrl, max: 1 });
  pool.on('error', () => undefined);
  try {
    return (await pool.query<{ n: number }>('SELECT count(DISTINCT nhs_number)::int AS n FROM study')).rows[0]!.n;
  } finally {
    await pool.end();
  }
}

/**
 * Gateway and whole-stack CPU per request at 1, 3, 10, 20 and 42 registered regions, with the
 * locator on. Every region is its own process over its own database, generated for a
 * 42-region population (its own patients plus movers shared with other regions); nothing is
 * an alias. The workload at each count is patients who have studies in the registered
 * regions, sampled in proportion to their studies (movers in their natural share). Counts run
 * from 42 down, stopping deregistered regions' processes. Region calls per lookup are counted at each count.
 */
export async function runScalingPhase(ctx: BenchContext, scaling: ScalingPopulation, gatewayEnv: Record<string, string>, locator: LocatorResults): Promise<void> {
  const { config, results } = ctx;
  const counts = config.cpuRegionCounts.filter((c) => c <= scaling.regions.length);
  process.stderr.write(`\nscaling: ${scaling.regions.length} region processes (own databases, ${scaling.studiesPerRegion.toLocaleString('en-GB')} studies each), locator on...\n`);
  const nationalUrl = await freshNationalDatabase(ctx.adminUrl, 'bench_national_scaling');
  // With the inspector on (idle until profiled): the profile at 42 regions is of this very process.
  const gateway = await startOurGateway({ label: 'our gateway (scaling)', databaseUrl: nationalUrl, env: gatewayEnv, inspect: true });
  const services = await startRegionsInBatches(
    scaling.regions.map((r) => ({
      code: r.code,
      name: r.name,
      label: `region ${r.code} (scaling)`,
      databaseUrl: r.dataset.databaseUrl,
      cacheTtlSeconds: config.regionCacheTtlSeconds,
      gatewayUrl: baseUrlOf(gateway.url),
      poolSize: SCALING_POOL_SIZE,
    })),
  );
  const everyRegion = scaling.regions.map((r, i) => ({ code: r.code, name: r.name, url: services[i]!.url, databaseUrl: r.dataset.databaseUrl }));
  const everyProc = services.map((s) => s.proc);
  const patientsPerRegion: Record<string, number> = {};
  for (const r of scaling.regions) patientsPerRegion[r.code] = await patientsIn(r.dataset.databaseUrl);
  locator.scaling = { regionCodes: scaling.regions.map((r) => r.code), studiesPerRegion: scaling.studiesPerRegion, patientsPerRegion, dbPoolSize: SCALING_POOL_SIZE };
  try {
    const workloadFor = (count: number) =>
      drawNhsNumbers(
        scaling.population,
        everyRegion.slice(0, count).map((r) => ({ code: r.code, studyCount: scaling.studiesPerRegion })),
        Math.max(40, Math.ceil(2000 / count)),
        // No movers added on top: each region's sample holds its movers in their natural share.
        0,
        config.seed + count,
      );
    // Every region process is new: warm them all through the gateway before measuring anything.
    await setRegistrations(gateway.url, everyRegion);
    const msAll = await waitUntilLocatorFresh(gateway.url, everyRegion.map((r) => r.code));
    locator.readiness.push({ label: `scaling gateway, ${everyRegion.length} regions registered at once`, regions: everyRegion.length, msToFresh: msAll });
    process.stderr.write(`  ${everyRegion.length} summaries fresh ${(msAll / 1000).toFixed(1)} s after registration\n`);
    await measureTarget(config, { url: gateway.url, to: GATEWAY, server: gateway.proc, concurrency: config.cpuConcurrency, nextBody: createBodySource(workloadFor(everyRegion.length), config.seed), durationMs: 1, warmupMs: config.firstWarmupSeconds * 1000 });

    process.stderr.write(`gateway CPU per request against registered regions (c=${config.cpuConcurrency}, locator on, every region its own data):\n`);
    // From the most regions down, stopping the processes of regions deregistered: at each count
    // only the registered regions run, so the whole-stack figure charges exactly them.
    for (const count of [...counts].sort((x, y) => y - x)) {
      const wanted = everyRegion.slice(0, count);
      await setRegistrations(gateway.url, wanted);
      await Promise.all(everyProc.slice(count).map((p) => p.stop()));
      const msToFresh = await waitUntilLocatorFresh(gateway.url, wanted.map((w) => w.code));
      const idle = await measureIdleCpu(gateway.proc, everyProc.slice(0, count));
      const nhsNumbers = workloadFor(count);
      const r = await measureTarget(config, { url: gateway.url, to: GATEWAY, server: gateway.proc, regions: everyProc.slice(0, count), concurrency: config.cpuConcurrency, nextBody: createBodySource(nhsNumbers, config.seed) });
      results.cpuScaling.push({
        regions: count,
        registered: wanted.map((w) => w.code),
        msToFresh,
        idle,
        concurrency: config.cpuConcurrency,
        requests: r.requests,
        errors: r.errors,
        throughput: r.throughput,
        p50Ms: r.latencyMs.p50,
        cpuMsPerRequest: r.serverCpuMsPerRequest,
        regionsCpuMsPerRequest: r.regionsCpuMsPerRequest,
        stackCpuMsPerRequest: r.stackCpuMsPerRequest,
        machineCpuMsPerRequest: r.machineCpuMsPerRequest,
        otherCpuShare: r.otherCpuShare,
      });
      logRun(`${count} registered regions`, config.cpuConcurrency, r);
      process.stderr.write(`    idle (no requests): gateway ${idle.gatewayMsPerSecond?.toFixed(1) ?? '-'} ms/s, regions ${idle.regionsMsPerSecond?.toFixed(1) ?? '-'} ms/s, stack ${idle.stackMsPerSecond.toFixed(1)} ms/s\n`);
      if (count === Math.max(...counts)) {
        await profileTarget(ctx, 'profile-gateway-scaling', `our gateway, ${count} registered regions (locator on, own data), c=${config.cpuConcurrency}`, gateway, {
          to: GATEWAY,
          concurrency: config.cpuConcurrency,
          nextBody: createBodySource(nhsNumbers, config.seed),
        });
      }
      const routing = await measureRouting(`scaling, ${count} registered regions`, gateway.url, wanted, nhsNumbers.slice(0, Math.ceil(config.routingLookups / 2)));
      locator.routing.push(routing);
      process.stderr.write(`    region calls per lookup ${routing.callsPerLookup.toFixed(3)} vs holders ${routing.meanHolders.toFixed(3)} (missed holders ${routing.missedHolders})\n`);
    }
    results.cpuScaling.sort((x, y) => x.regions - y.regions);
    results.cpuPerExtraRegionMs = slope(results.cpuScaling.filter((c) => c.cpuMsPerRequest !== null).map((c) => ({ x: c.regions, y: c.cpuMsPerRequest! })));
  } finally {
    await gateway.proc.stop();
    await Promise.all(everyProc.map((p) => p.stop()));
  }
}
