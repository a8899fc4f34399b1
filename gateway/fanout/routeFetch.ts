import type { RegionEndpoint } from '../registry/RegionRegistry';
import type { RegionsAskedFor } from './merge/completeness';
import type { PreparedOperation } from './prepareFanOutOperation';
import { historyRegions } from './readHistoryArguments';

/** Where one fetch goes: the regions to call, or the unknown region codes the caller named. */
export type Route = { kind: 'targets'; targets: readonly RegionEndpoint[] } | { kind: 'unknown'; unknown: string[] };

/**
 * Which regions a fetch goes to. When every history in it names its regions (and nothing
 * else needs every region), only those regions are asked. An empty `filter.regions` is
 * `unknown` with no codes.
 */
export function routeFetch(prepared: Extract<PreparedOperation, { kind: 'query' }>, variables: Record<string, unknown>, registered: readonly RegionEndpoint[]): Route {
  const named = prepared.histories.map((h) => historyRegions(h, variables));
  if (named.some((n) => n !== null && n.length === 0)) return { kind: 'unknown', unknown: [] };
  const known = new Set(registered.map((r) => r.code));
  const unknown = [...new Set(named.flatMap((n) => n ?? []).filter((c) => !known.has(c)))];
  if (unknown.length > 0) return { kind: 'unknown', unknown };
  if (prepared.needsAllRegions || named.length === 0 || named.some((n) => n === null)) return { kind: 'targets', targets: registered };
  const wanted = new Set(named.flatMap((n) => n ?? []));
  return { kind: 'targets', targets: registered.filter((r) => wanted.has(r.code)) };
}

/** The regions one history or report was asked of, for its completeness: the ones it names, or every region called. */
export const regionsAskedFor: RegionsAskedFor = (scoped, variables) => {
  const named = historyRegions(scoped, variables);
  return named ? new Set(named) : null;
};
