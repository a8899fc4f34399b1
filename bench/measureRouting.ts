import { Pool } from 'pg';
import { request } from 'undici';
import { GATEWAY, queryHeaders } from './benchAuth';
import { countersDelta, readRoutingCounters } from './gatewayLocatorState';

/** Region calls per lookup against the regions that actually hold each patient. */
export interface RoutingRun {
  label: string;
  registeredRegions: number;
  lookups: number;
  /** Mean number of registered regions whose database holds a study for the patient (from the data). */
  meanHolders: number;
  /** Mean `coverage.regionsAsked` in the answers. */
  meanAsked: number;
  /** Region fetches per lookup from the gateway's /metrics (gateway_region_requests_total delta). */
  callsPerLookup: number;
  /** callsPerLookup - meanHolders: wasted calls per lookup (false positives, regions not fresh). */
  excessPerLookup: number;
  /** Lookups whose `sources` left out a region holding the patient (must be 0). */
  missedHolders: number;
  incomplete: number;
  /** gateway_locator_decisions_total delta (member, not-fresh, old-contract, skipped). */
  decisions: Record<string, number>;
  /** How many patients had studies in 1, 2, 3, ... registered regions. */
  holdersHistogram: Record<string, number>;
}

const ROUTING_QUERY = `query Routing($nhs: String!) {
  patient(nhsNumber: $nhs) { imagingHistory { complete coverage { regionsInScope regionsAsked regionsSkipped } sources { region { code } } } }
}`;

/** Which of `regions` hold a study for each NHS number, read from their databases. */
export async function holdersOf(regions: readonly { code: string; databaseUrl: string }[], nhsNumbers: readonly string[]): Promise<Map<string, string[]>> {
  const holders = new Map<string, string[]>(nhsNumbers.map((n) => [n, []]));
  for (const region of regions) {
    const pool = new Pool({ connectionString: region.databaseUrl, max: 1 });
    pool.on('error', () => undefined);
    try {
      const { rows } = await pool.query<{ nhs_number: string }>('SELECT DISTINCT nhs_number FROM study WHERE nhs_number = ANY($1)', [nhsNumbers]);
      for (const row of rows) holders.get(row.nhs_number.trim())?.push(region.code);
    } finally {
      await pool.end();
    }
  }
  return holders;
}

/** Looks up each NHS number once through the gateway (concurrency 4) and compares the regions asked with the holders. */
export async function measureRouting(label: string, gatewayUrl: string, regions: readonly { code: string; databaseUrl: string }[], nhsNumbers: readonly string[]): Promise<RoutingRun> {
  const holders = await holdersOf(regions, nhsNumbers);
  const before = await readRoutingCounters(gatewayUrl);
  let asked = 0;
  let missedHolders = 0;
  let incomplete = 0;
  let next = 0;
  const worker = async () => {
    while (next < nhsNumbers.length) {
      const nhs = nhsNumbers[next++]!;
      const body = JSON.stringify({ query: ROUTING_QUERY, variables: { nhs }, operationName: 'Routing' });
      const res = await request(gatewayUrl, { method: 'POST', headers: queryHeaders(GATEWAY, body), body });
      const json = (await res.body.json()) as { data?: { patient: { imagingHistory: { complete: boolean; coverage: { regionsAsked: number }; sources: Array<{ region: { code: string } }> } } | null } };
      const history = json.data?.patient?.imagingHistory;
      if (!history) throw new Error(`routing lookup failed: ${JSON.stringify(json).slice(0, 300)}`);
      asked += history.coverage.regionsAsked;
      if (!history.complete) incomplete++;
      const sources = new Set(history.sources.map((s) => s.region.code));
      if (holders.get(nhs)!.some((code) => !sources.has(code))) missedHolders++;
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  const delta = countersDelta(before, await readRoutingCounters(gatewayUrl));
  const holderCounts = [...holders.values()].map((h) => h.length);
  const meanHolders = holderCounts.reduce((s, n) => s + n, 0) / nhsNumbers.length;
  const callsPerLookup = delta.regionCalls / nhsNumbers.length;
  const holdersHistogram: Record<string, number> = {};
  for (const n of holderCounts) holdersHistogram[n] = (holdersHistogram[n] ?? 0) + 1;
  return {
    label,
    registeredRegions: regions.length,
    lookups: nhsNumbers.length,
    meanHolders,
    meanAsked: asked / nhsNumbers.length,
    callsPerLookup,
    excessPerLookup: callsPerLookup - meanHolders,
    missedHolders,
    incomplete,
    decisions: delta.decisions,
    holdersHistogram,
  };
}
