import { Pool } from 'pg';
import { request } from 'undici';
import { migrate } from '../lib/db/migrate';
import { nhsCheckDigit } from '../lib/domain/parseNhsNumber';
import { studyInput } from '../test/support/studyInputs';
import { benchHeaders } from './benchAuth';
import { freshNationalDatabase, setRegistrations, startOurGateway, startRegion } from './benchServices';
import type { BenchContext } from './BenchContext';
import { baseUrlOf, readLocatorReadiness, waitUntilLocatorFresh } from './gatewayLocatorState';
import { percentile } from './runClosedLoop';

/** Time from a write acknowledged through replica A until replica B's summary has applied it. */
export interface ReplicaWindow {
  writes: number;
  /** Every write answered `membership: PUBLISHED`. */
  published: number;
  /** Ingest round trip (the region publishes to A before acknowledging). */
  ingestMs: { p50: number; p99: number; max: number };
  /** From the acknowledgement until B's /readyz showed the region's appliedSeq past the write (upper bound: includes that poll). */
  afterAckMs: { p50: number; p99: number; max: number };
  /** From sending the write until B had applied it. */
  fromWriteMs: { p50: number; p99: number; max: number };
  /** How long one /readyz poll of B took (the measurement's resolution). */
  pollResolutionMs: number;
  /** Writes B had already applied at the first poll after the acknowledgement. */
  appliedByFirstPoll: number;
  gatewayEnv: Record<string, string>;
}

const UPSERT = `mutation($studies: [StudyInput!]!) { upsertStudies(studies: $studies) { inserted membership } }`;

/** An NHS number of the 999 test range that no generated patient has. */
function newNhsNumber(n: number): string {
  for (let stem = 999_700_000 + n * 11; ; stem++) {
    const check = nhsCheckDigit(String(stem));
    if (check !== null) return `${stem}${check}`;
  }
}

function summary(values: number[]): { p50: number; p99: number; max: number } {
  const sorted = Float64Array.from(values).sort();
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] ?? 0 };
}

/**
 * Two gateway replicas over one national database; a region whose GATEWAY_URL is replica A,
 * over an empty scratch database. Each write (a study for a new patient, through the
 * region's /ingest) is published to A before it is acknowledged; A stores it and NOTIFYs;
 * B applies it when the notification arrives. B's /readyz is polled back to back.
 */
export async function runReplicaWindowPhase(ctx: BenchContext, gatewayEnv: Record<string, string>): Promise<ReplicaWindow> {
  const { config } = ctx;
  process.stderr.write(`\nreplicas: ${config.replicaWrites} writes published through replica A, timed until replica B has applied them...\n`);
  const nationalUrl = await freshNationalDatabase(ctx.adminUrl, 'bench_national_replicas');
  const regionUrl = await freshNationalDatabase(ctx.adminUrl, 'bench_replica_region_scratch');
  const pool = new Pool({ connectionString: regionUrl, max: 1 });
  pool.on('error', () => undefined);
  try {
    await migrate(pool, 'region');
  } finally {
    await pool.end();
  }
  const a = await startOurGateway({ label: 'our gateway (replica A)', databaseUrl: nationalUrl, env: gatewayEnv });
  const code = 'LDS';
  const region = await startRegion({ code, name: 'Replica window region', label: `region ${code} (replica window)`, databaseUrl: regionUrl, cacheTtlSeconds: 0, gatewayUrl: baseUrlOf(a.url) });
  const ingestUrl = region.url.replace(/\/graphql$/, '/ingest');
  const write = async (k: number) => {
    const body = JSON.stringify({ query: UPSERT, variables: { studies: [studyInput(`77${k}.${Date.now()}`, newNhsNumber(k))] } });
    const res = await request(ingestUrl, { method: 'POST', headers: benchHeaders({ audience: 'region-ingest', body }), body });
    const json = (await res.body.json()) as { data?: { upsertStudies: { inserted: number; membership: string } }; errors?: unknown };
    if (!json.data) throw new Error(`ingest failed: ${JSON.stringify(json.errors).slice(0, 300)}`);
    return json.data.upsertStudies.membership;
  };
  try {
    await setRegistrations(a.url, [{ code, name: 'Replica window region', url: region.url }]);
    // Started after registration: a replica reads the registry from the national database when it starts.
    const b = await startOurGateway({ label: 'our gateway (replica B)', databaseUrl: nationalUrl, env: gatewayEnv });
    try {
      await waitUntilLocatorFresh(a.url, [code]);
      await waitUntilLocatorFresh(b.url, [code]);
      const appliedAtB = async () => (await readLocatorReadiness(b.url))!.regions.find((r) => r.code === code)?.appliedSeq ?? 0;
      for (let k = 0; k < 5; k++) await write(100_000 + k); // warm-up: JIT, connections
      const ingest: number[] = [];
      const afterAck: number[] = [];
      const fromWrite: number[] = [];
      const polls: number[] = [];
      let published = 0;
      let firstPollHits = 0;
      for (let k = 0; k < config.replicaWrites; k++) {
        await new Promise((r) => setTimeout(r, 20));
        const before = await appliedAtB();
        const sent = performance.now();
        if ((await write(k)) === 'PUBLISHED') published++;
        const acked = performance.now();
        let seen = acked;
        let pollsNeeded = 0;
        for (;;) {
          pollsNeeded++;
          const p0 = performance.now();
          const applied = await appliedAtB();
          polls.push(performance.now() - p0);
          seen = performance.now();
          if (applied > before) break;
          if (seen - acked > 10_000) throw new Error('replica B never applied a published write');
        }
        ingest.push(acked - sent);
        // The first poll after the acknowledgement already showing it means B was at most one poll behind.
        // An upper bound: it includes the /readyz round trip that saw the change.
        afterAck.push(seen - acked);
        if (pollsNeeded === 1) firstPollHits++;
        fromWrite.push(seen - sent);
      }
      return {
        writes: config.replicaWrites,
        published,
        ingestMs: summary(ingest),
        afterAckMs: summary(afterAck),
        fromWriteMs: summary(fromWrite),
        pollResolutionMs: summary(polls).p50,
        appliedByFirstPoll: firstPollHits,
        gatewayEnv,
      };
    } finally {
      await b.proc.stop();
    }
  } finally {
    await region.proc.stop();
    await a.proc.stop();
  }
}
