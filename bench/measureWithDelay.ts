import { GATEWAY } from './benchAuth';
import type { BenchProcess } from './benchProcess';
import { setRegistrations, type BenchService } from './benchServices';
import type { BenchContext } from './BenchContext';
import type { TargetName } from './BenchResults';
import { waitUntilLocatorFresh } from './gatewayLocatorState';
import { logRun, measureTarget } from './measureTarget';
import { startDelayingTcpProxy } from './startDelayingTcpProxy';

/** Round trips spread evenly from `min` to `max` over `count` regions (2, 4, ... 20 ms for 10). */
export function spreadRtts(count: number, min: number, max: number): number[] {
  return Array.from({ length: count }, (_, i) => (count === 1 ? (min + max) / 2 : min + ((max - min) * i) / (count - 1)));
}

/**
 * Re-registers the gateway's regions behind delaying TCP proxies (one per region, its own
 * round trip), waits for the locator to be fresh again (its polls go through the proxies
 * too), measures `target` at concurrency 1 and 8, then restores the direct registrations.
 */
export async function measureWithDelay(
  ctx: BenchContext,
  target: TargetName,
  label: string,
  gateway: BenchService,
  regions: ReadonlyArray<{ code: string; name: string; url: string; rttMs: number }>,
  regionProcs: readonly BenchProcess[],
  nextBody: () => string,
): Promise<void> {
  const proxies = await Promise.all(regions.map((r) => startDelayingTcpProxy(r.url, r.rttMs)));
  try {
    await setRegistrations(gateway.url, regions.map((r, i) => ({ code: r.code, name: r.name, url: proxies[i]!.url })));
    await waitUntilLocatorFresh(gateway.url, regions.map((r) => r.code));
    for (const concurrency of ctx.config.concurrencies.filter((c) => c <= 8)) {
      const r = await measureTarget(ctx.config, { url: gateway.url, to: GATEWAY, server: gateway.proc, regions: regionProcs, concurrency, nextBody });
      ctx.results.latency.push({ target, concurrency, ...r });
      logRun(label, concurrency, r);
    }
  } finally {
    await setRegistrations(gateway.url, regions.map((r) => ({ code: r.code, name: r.name, url: r.url })));
    await Promise.all(proxies.map((p) => p.stop()));
  }
}
