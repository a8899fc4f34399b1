import { GATEWAY } from './benchAuth';
import { freshNationalDatabase, setRegistrations, startOurGateway, startRegionsInBatches } from './benchServices';
import { baseUrlOf, waitUntilLocatorFresh } from './gatewayLocatorState';
import { measureRouting } from './measureRouting';
import { measureWithDelay, spreadRtts } from './measureWithDelay';
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
 * (a) our gateway over R region processes, with the patient locator on; region calls per
 * lookup against the regions holding each patient; (a) again with network delay (delaying
 * TCP proxies, 2-20 ms round trips); (b) one region called directly; and a CPU profile of
 * the federated gateway under load. CPU against registered regions is runScalingPhase.
 */
export async function runFederatedPhase(ctx: BenchContext): Promise<void> {
  const { config, results } = ctx;
  const locator = results.locator!;
  process.stderr.write(`\nfederated: our gateway (locator on) and ${ctx.regions.length} region processes publishing to it...\n`);
  const nationalUrl = await freshNationalDatabase(ctx.adminUrl, 'bench_national_federated');
  let gateway = await startOurGateway({ label: 'our gateway (federated)', databaseUrl: nationalUrl, env: locator.gatewayEnv });
  // Regions start after the gateway so that their GATEWAY_URL (where writes are published) is known;
  // their data was loaded before, and the gateway pulls each region's whole log at registration.
  const services = await startRegionsInBatches(
    ctx.regions.map((r) => ({ code: r.code, name: r.name, databaseUrl: r.dataset.databaseUrl, cacheTtlSeconds: config.regionCacheTtlSeconds, gatewayUrl: baseUrlOf(gateway.url) })),
  );
  const regions = ctx.regions.map((r, i) => ({ ...r, service: services[i]! }));
  const running = regions.map((r) => ({ code: r.code, name: r.name, url: r.service.url }));
  const regionProcs = regions.map((r) => r.service.proc);
  await setRegistrations(gateway.url, running);
  const msToFresh = await waitUntilLocatorFresh(gateway.url, running.map((r) => r.code));
  locator.readiness.push({ label: `federated gateway, ${running.length} regions`, regions: running.length, msToFresh });

  const bodies = createBodySource(ctx.gatewayNhsNumbers, config.seed);
  for (const concurrency of config.concurrencies) {
    const r = await measureTarget(config, { url: gateway.url, to: GATEWAY, server: gateway.proc, regions: regionProcs, concurrency, nextBody: bodies });
    results.latency.push({ target: 'federated', concurrency, ...r });
    logRun(`(a) federated, ${regions.length} regions`, concurrency, r);
  }
  for (const check of results.sanity) check.studies.federated = await countStudies(gateway.url, GATEWAY, check.nhsNumber);
  const routing = await measureRouting(`federated, ${regions.length} regions`, gateway.url, regions.map((r) => ({ code: r.code, databaseUrl: r.dataset.databaseUrl })), ctx.gatewayNhsNumbers.slice(0, config.routingLookups));
  locator.routing.push(routing);
  process.stderr.write(`  region calls per lookup ${routing.callsPerLookup.toFixed(3)} vs holders ${routing.meanHolders.toFixed(3)} (missed holders ${routing.missedHolders})\n`);

  if (config.skipDelay) results.skipped.push({ target: 'federated with network delay', reason: '--skip-delay' });
  else {
    const rtts = spreadRtts(regions.length, config.delayRttMs.min, config.delayRttMs.max);
    locator.delays = {
      method: 'delaying TCP proxy in the bench process (bench/startDelayingTcpProxy.ts; tc netem is not available on this kernel): half the round trip added to every chunk in each direction',
      regions: running.map((r, i) => ({ code: r.code, rttMs: rtts[i]! })),
      centralRttMs: (config.delayRttMs.min + config.delayRttMs.max) / 2,
    };
    await measureWithDelay(ctx, 'federated-delayed', `(a) federated, ${regions.length} regions, delayed`, gateway, running.map((r, i) => ({ ...r, rttMs: rtts[i]! })), regionProcs, bodies);
  }

  const first = regions[0]!;
  const regionBodies = createBodySource(drawNhsNumbers(ctx.population, [{ code: first.code, studyCount: config.studies }], 5000, 0, config.seed + 1), config.seed + 1);
  for (const concurrency of config.concurrencies) {
    const r = await measureTarget(config, { url: first.service.url, to: { audience: 'region', regionCode: first.code }, server: first.service.proc, concurrency, nextBody: regionBodies });
    results.latency.push({ target: 'region-direct', concurrency, ...r });
    logRun(`(b) region ${first.code} direct`, concurrency, r);
  }

  // Profile in a separate gateway process: the profiler's overhead must not touch the figures above.
  await gateway.proc.stop();
  gateway = await startOurGateway({ label: 'our gateway (federated, profiled)', databaseUrl: nationalUrl, inspect: true, env: locator.gatewayEnv });
  await waitUntilLocatorFresh(gateway.url, running.map((r) => r.code));
  await profileTarget(ctx, 'profile-gateway-federated', `our gateway, federated over ${regions.length} regions (locator on), c=${config.cpuConcurrency}`, gateway, {
    to: GATEWAY,
    concurrency: config.cpuConcurrency,
    nextBody: bodies,
  });
  await gateway.proc.stop();

  await Promise.all(regions.map((r) => r.service.proc.stop()));
}
