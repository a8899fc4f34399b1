import { GATEWAY } from './benchAuth';
import { aliasRegions } from './benchRegions';
import { freshNationalDatabase, setRegistrations, startOurGateway, startRegion, type BenchService } from './benchServices';
import type { BenchContext } from './BenchContext';
import { countStudies, logRun, measureTarget } from './measureTarget';
import { profileTarget } from './profileTarget';
import { createBodySource, drawNhsNumbers } from './workload';

/** Least-squares slope of y on x. */
export function slope(points: readonly { x: number; y: number }[]): number | null {
  if (points.length < 2) return null;
  const mx = points.reduce((s, p) => s + p.x, 0) / points.length;
  const my = points.reduce((s, p) => s + p.y, 0) / points.length;
  const sxx = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  return sxx === 0 ? null : points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0) / sxx;
}

/**
 * (a) our gateway over R region processes, (b) one region called directly, gateway CPU
 * per request against the number of registered regions, and a CPU profile of the
 * federated gateway under load.
 */
export async function runFederatedPhase(ctx: BenchContext): Promise<void> {
  const { config, results } = ctx;
  process.stderr.write(`\nfederated: starting ${ctx.regions.length} region processes and our gateway...\n`);
  const regions = await Promise.all(
    ctx.regions.map(async (r) => ({ ...r, service: await startRegion({ code: r.code, name: r.name, databaseUrl: r.dataset.databaseUrl, cacheTtlSeconds: config.regionCacheTtlSeconds }) })),
  );
  const running = regions.map((r) => ({ code: r.code, name: r.name, url: r.service.url }));
  const regionProcs = regions.map((r) => r.service.proc);
  const nationalUrl = await freshNationalDatabase(ctx.adminUrl, 'bench_national_federated');
  const gateway = await startOurGateway({ label: 'our gateway (federated)', databaseUrl: nationalUrl });
  await setRegistrations(gateway.url, running);

  const bodies = createBodySource(ctx.gatewayNhsNumbers, config.seed);
  for (const concurrency of config.concurrencies) {
    const r = await measureTarget(config, { url: gateway.url, to: GATEWAY, server: gateway.proc, regions: regionProcs, concurrency, nextBody: bodies });
    results.latency.push({ target: 'federated', concurrency, ...r });
    logRun(`(a) federated, ${regions.length} regions`, concurrency, r);
  }
  for (const check of results.sanity) check.studies.federated = await countStudies(gateway.url, GATEWAY, check.nhsNumber);

  const first = regions[0]!;
  const regionBodies = createBodySource(drawNhsNumbers(ctx.population, [{ code: first.code, studyCount: config.studies }], 5000, 0, config.seed + 1), config.seed + 1);
  for (const concurrency of config.concurrencies) {
    const r = await measureTarget(config, { url: first.service.url, to: { audience: 'region', regionCode: first.code }, server: first.service.proc, concurrency, nextBody: regionBodies });
    results.latency.push({ target: 'region-direct', concurrency, ...r });
    logRun(`(b) region ${first.code} direct`, concurrency, r);
  }

  const aliases = aliasRegions(ctx.regions, Math.max(...config.cpuRegionCounts));
  process.stderr.write(`gateway CPU per request against registered regions (c=${config.cpuConcurrency}${aliases.length > 0 ? `; ${aliases.length} alias region processes` : ''}):\n`);
  const aliasServices: BenchService[] = [];
  // A few at a time: each start compiles the service, and the machine has few cores.
  for (let i = 0; i < aliases.length; i += 4) {
    const batch = aliases.slice(i, i + 4);
    aliasServices.push(
      ...(await Promise.all(
        batch.map((a) => startRegion({ code: a.code, name: a.name, label: `region ${a.code} (alias of ${a.aliasOf})`, databaseUrl: a.dataset.databaseUrl, cacheTtlSeconds: config.regionCacheTtlSeconds })),
      )),
    );
  }
  const everyRegion = [...running, ...aliases.map((a, i) => ({ code: a.code, name: a.name, url: aliasServices[i]!.url }))];
  const everyProc = [...regionProcs, ...aliasServices.map((s) => s.proc)];
  if (aliasServices.length > 0) {
    // Fresh processes run cold until V8 has optimised them: warm every alias through the gateway first.
    await setRegistrations(gateway.url, everyRegion);
    await measureTarget(config, { url: gateway.url, to: GATEWAY, server: gateway.proc, concurrency: config.cpuConcurrency, nextBody: bodies, durationMs: 1, warmupMs: config.firstWarmupSeconds * 1000 });
  }
  for (const count of config.cpuRegionCounts) {
    const wanted = everyRegion.slice(0, count);
    await setRegistrations(gateway.url, wanted);
    const r = await measureTarget(config, { url: gateway.url, to: GATEWAY, server: gateway.proc, regions: everyProc, concurrency: config.cpuConcurrency, nextBody: bodies });
    results.cpuScaling.push({
      regions: count,
      registered: wanted.map((w) => w.code),
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
  }
  results.cpuPerExtraRegionMs = slope(results.cpuScaling.filter((c) => c.cpuMsPerRequest !== null).map((c) => ({ x: c.regions, y: c.cpuMsPerRequest! })));
  await Promise.all(aliasServices.map((s) => s.proc.stop()));

  // Profile in a separate gateway process: the profiler's overhead must not touch the figures above.
  await setRegistrations(gateway.url, running);
  await gateway.proc.stop();
  const profiled = await startOurGateway({ label: 'our gateway (federated, profiled)', databaseUrl: nationalUrl, inspect: true });
  await profileTarget(ctx, 'profile-gateway-federated', `our gateway, federated over ${regions.length} regions, c=${config.cpuConcurrency}`, profiled, {
    to: GATEWAY,
    concurrency: config.cpuConcurrency,
    nextBody: bodies,
  });
  await profiled.proc.stop();

  await Promise.all(regions.map((r) => r.service.proc.stop()));
}
