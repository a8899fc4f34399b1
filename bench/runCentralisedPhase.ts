import path from 'node:path';
import { GATEWAY } from './benchAuth';
import { CENTRAL_REGION } from './benchRegions';
import type { BenchContext } from './BenchContext';
import type { TargetName } from './BenchResults';
import {
  ensureHiveGateway,
  freshNationalDatabase,
  setRegistrations,
  startHiveGateway,
  startOurGateway,
  startRegion,
  startStockGateway,
  writeCentralSupergraph,
  type BenchService,
} from './benchServices';
import { baseUrlOf, waitUntilLocatorFresh } from './gatewayLocatorState';
import { measureLocatorRefresh } from './measureLocatorRefresh';
import { countStudies, logRun, measureTarget } from './measureTarget';
import { measureWithDelay } from './measureWithDelay';
import { profileTarget } from './profileTarget';
import { createBodySource } from './workload';

async function measureGateway(ctx: BenchContext, target: TargetName, label: string, service: BenchService, region: BenchService): Promise<void> {
  const bodies = createBodySource(ctx.gatewayNhsNumbers, ctx.config.seed);
  for (const check of ctx.results.sanity) check.studies[target] = await countStudies(service.url, GATEWAY, check.nhsNumber);
  for (const concurrency of ctx.config.concurrencies) {
    const r = await measureTarget(ctx.config, { url: service.url, to: GATEWAY, server: service.proc, regions: [region.proc], concurrency, nextBody: bodies });
    ctx.results.latency.push({ target, concurrency, ...r });
    logRun(label, concurrency, r);
  }
}

/**
 * The centralised baseline: every region's rows in one database behind one region
 * process, served by (c) our gateway with that one region registered, and (d) stock
 * @apollo/gateway and Hive Gateway over a supergraph composed from the regional contract
 * with the central region's real URL. Same NHS numbers, same queries as (a).
 */
export async function runCentralisedPhase(ctx: BenchContext): Promise<void> {
  const { config, results } = ctx;
  const locator = results.locator!;
  process.stderr.write(`\ncentralised: one region process over ${ctx.central.studies.toLocaleString('en-GB')} studies...\n`);
  const nationalUrl = await freshNationalDatabase(ctx.adminUrl, 'bench_national_central');
  const ours = await startOurGateway({ label: 'our gateway (centralised)', databaseUrl: nationalUrl, env: locator.gatewayEnv });
  const region = await startRegion({
    ...CENTRAL_REGION,
    label: `region ${CENTRAL_REGION.code} (centralised)`,
    databaseUrl: ctx.central.databaseUrl,
    cacheTtlSeconds: config.regionCacheTtlSeconds,
    gatewayUrl: baseUrlOf(ours.url),
  });
  const registration = [{ ...CENTRAL_REGION, url: region.url }];
  await setRegistrations(ours.url, registration);
  const msToFresh = await waitUntilLocatorFresh(ours.url, [CENTRAL_REGION.code]);
  locator.readiness.push({ label: `centralised gateway, 1 region of ${ctx.central.studies.toLocaleString('en-GB')} studies`, regions: 1, msToFresh });
  await measureGateway(ctx, 'centralised', '(c) ours, centralised', ours, region);
  if (config.skipDelay) results.skipped.push({ target: 'centralised with network delay', reason: '--skip-delay' });
  else {
    const rttMs = (config.delayRttMs.min + config.delayRttMs.max) / 2;
    const bodies = createBodySource(ctx.gatewayNhsNumbers, config.seed);
    await measureWithDelay(ctx, 'centralised-delayed', `(c) ours, centralised, ${rttMs} ms round trip`, ours, registration.map((r) => ({ ...r, rttMs })), [region.proc], bodies);
    await waitUntilLocatorFresh(ours.url, [CENTRAL_REGION.code]);
  }
  locator.refresh = await measureLocatorRefresh(nationalUrl, { code: CENTRAL_REGION.code, url: region.url });
  await ours.proc.stop();

  const profiled = await startOurGateway({ label: 'our gateway (centralised, profiled)', databaseUrl: nationalUrl, inspect: true, env: locator.gatewayEnv });
  await waitUntilLocatorFresh(profiled.url, [CENTRAL_REGION.code]);
  await profileTarget(ctx, 'profile-gateway-centralised', `our gateway, centralised (1 region), c=${config.cpuConcurrency}`, profiled, {
    to: GATEWAY,
    concurrency: config.cpuConcurrency,
    nextBody: createBodySource(ctx.gatewayNhsNumbers, config.seed),
  });
  await profiled.proc.stop();

  const supergraphFile = path.join(ctx.tmpDir, 'supergraph-central.graphql');
  writeCentralSupergraph(region.url, supergraphFile);
  if (config.skipStock) {
    results.skipped.push({ target: 'stock @apollo/gateway', reason: '--skip-stock' });
  } else {
    const stock = await startStockGateway(supergraphFile, CENTRAL_REGION.code);
    await measureGateway(ctx, 'stock-apollo', '(d) stock @apollo/gateway', stock, region);
    await stock.proc.stop();
  }
  const hive = config.skipHive ? ({ ok: false, reason: '--skip-hive' } as const) : ensureHiveGateway();
  if (hive.ok) {
    const service = await startHiveGateway(hive.bin, supergraphFile, CENTRAL_REGION.code);
    await measureGateway(ctx, 'hive', `(d) Hive Gateway ${hive.version}`, service, region);
    await service.proc.stop();
  } else {
    results.skipped.push({ target: 'Hive Gateway', reason: hive.reason });
    process.stderr.write(`  Hive Gateway skipped: ${hive.reason}\n`);
  }
  await region.proc.stop();
}
