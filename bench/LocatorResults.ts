import type { LocatorFilterFigures } from './measureLocatorFilter';
import type { RefreshFigures } from './measureLocatorRefresh';
import type { RoutingRun } from './measureRouting';
import type { ReplicaWindow } from './runReplicaWindowPhase';

/** Everything the bench measures about the patient locator (issue #10, item 6). */
export interface LocatorResults {
  /** Gateway settings the locator ran with (LOCATOR, LOCATOR_POLL_MS, LOCATOR_LEASE_MS). */
  gatewayEnv: Record<string, string>;
  /** Region calls per lookup against the regions holding each patient. */
  routing: RoutingRun[];
  /** From registration to every summary fresh at the gateway's /readyz. */
  readiness: Array<{ label: string; regions: number; msToFresh: number }>;
  /** The 42-region scaling population: every region its own process and database. */
  scaling: { regionCodes: string[]; studiesPerRegion: number; patientsPerRegion: Record<string, number>; dbPoolSize: number } | null;
  /** Round trips added by the delaying TCP proxies (tc netem is unavailable here). */
  delays: { method: string; regions: Array<{ code: string; rttMs: number }>; centralRttMs: number } | null;
  /** bench/measureLocatorFilter.ts at 1M entries. */
  filter: LocatorFilterFigures[];
  refresh: RefreshFigures | null;
  replicaWindow: ReplicaWindow | null;
}

export function emptyLocatorResults(gatewayEnv: Record<string, string>): LocatorResults {
  return { gatewayEnv, routing: [], readiness: [], scaling: null, delays: null, filter: [], refresh: null, replicaWindow: null };
}
