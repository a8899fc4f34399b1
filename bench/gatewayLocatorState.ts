import { request } from 'undici';

/** A gateway's base URL from its /graphql URL. */
export function baseUrlOf(graphqlUrl: string): string {
  return graphqlUrl.replace(/\/graphql\/?$/, '');
}

export interface LocatorReadiness {
  notifications: boolean;
  regions: Array<{ code: string; fresh: boolean; appliedSeq: number }>;
}

/** The locator part of a gateway's /readyz, or null when the locator is off. */
export async function readLocatorReadiness(graphqlUrl: string): Promise<LocatorReadiness | null> {
  const res = await request(`${baseUrlOf(graphqlUrl)}/readyz`);
  const body = (await res.body.json()) as { locator?: LocatorReadiness | null };
  return body.locator ?? null;
}

/**
 * Waits until the gateway's /readyz shows every region in `codes` fresh (summary pulled,
 * confirmed within the lease, notifications up). Returns the milliseconds it took.
 */
export async function waitUntilLocatorFresh(graphqlUrl: string, codes: readonly string[], timeoutMs = 120_000): Promise<number> {
  const started = performance.now();
  const wanted = new Set(codes);
  for (;;) {
    const state = await readLocatorReadiness(graphqlUrl);
    if (!state) throw new Error('the gateway runs without the locator (LOCATOR=off)');
    const fresh = state.notifications ? state.regions.filter((r) => wanted.has(r.code) && r.fresh).length : 0;
    if (fresh === wanted.size) return performance.now() - started;
    if (performance.now() - started > timeoutMs) {
      const stale = state.regions.filter((r) => wanted.has(r.code) && !r.fresh).map((r) => r.code);
      throw new Error(`locator summaries not fresh after ${timeoutMs} ms (notifications ${state.notifications}; not fresh: ${stale.join(', ') || 'missing'})`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Region fetches sent (any outcome but breaker-skipped) and locator decisions, from /metrics. */
export interface RoutingCounters {
  regionCalls: number;
  decisions: Record<string, number>;
}

export async function readRoutingCounters(graphqlUrl: string): Promise<RoutingCounters> {
  const res = await request(`${baseUrlOf(graphqlUrl)}/metrics`);
  const text = await res.body.text();
  let regionCalls = 0;
  const decisions: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const calls = /^gateway_region_requests_total\{([^}]*)\} (\S+)$/.exec(line);
    if (calls && !/outcome="skipped"/.test(calls[1]!)) regionCalls += Number(calls[2]);
    const decision = /^gateway_locator_decisions_total\{decision="([^"]+)"\} (\S+)$/.exec(line);
    if (decision) decisions[decision[1]!] = Number(decision[2]);
  }
  return { regionCalls, decisions };
}

export function countersDelta(before: RoutingCounters, after: RoutingCounters): RoutingCounters {
  const decisions: Record<string, number> = {};
  for (const [k, v] of Object.entries(after.decisions)) decisions[k] = v - (before.decisions[k] ?? 0);
  return { regionCalls: after.regionCalls - before.regionCalls, decisions };
}
