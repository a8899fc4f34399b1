import { Pool } from 'pg';
import { postGraphQL, type GraphQLAnswer } from '../support/postGraphQL';
import { startTcpProxy } from '../support/startTcpProxy';
import { startTopology, type Topology } from '../support/startTopology';
import { studyInput, testNhsNumber } from '../support/studyInputs';

const REGION_BUDGET_MS = 1000;
const AUDIT_BUDGET_MS = 500;
/** Deadlines are asserted at several times their value: a busy machine must not fail them. */
const GENEROUS = 8;
const HISTORY = `query($nhs: String!) { patient(nhsNumber: $nhs) { imagingHistory {
  complete studies { studyInstanceUid region { code } } sources { region { code } status } } } }`;

interface Timed {
  answer: GraphQLAnswer<any> | null;
  failure: string | null;
  ms: number;
}

/** `total` requests from `workers` concurrent clients; every one is kept, answered or not. */
async function underLoad(send: () => Promise<GraphQLAnswer<any>>, total: number, workers: number, during?: (sent: () => number) => Promise<void>): Promise<Timed[]> {
  const results: Timed[] = [];
  let next = 0;
  const worker = async () => {
    while (next < total) {
      next++;
      const started = Date.now();
      try {
        results.push({ answer: await send(), failure: null, ms: Date.now() - started });
      } catch (err) {
        results.push({ answer: null, failure: (err as Error).message, ms: Date.now() - started });
      }
    }
  };
  await Promise.all([...Array.from({ length: workers }, worker), during?.(() => next)]);
  return results;
}

describe('the national service meets the faults it will meet', () => {
  let topology: Topology;
  let national: Pool;
  const patient = testNhsNumber(9401);

  beforeAll(async () => {
    topology = await startTopology({
      regions: [
        { code: 'LDS', name: 'West Yorkshire', studies: [studyInput('94.1', patient)] },
        { code: 'LON', name: 'North Central London', studies: [studyInput('94.2', patient)] },
      ],
      regionTimeoutMs: REGION_BUDGET_MS,
      breakerFailures: 100,
      gatewayEnv: { LOCATOR: 'off', AUDIT_TIMEOUT_MS: String(AUDIT_BUDGET_MS) },
    });
    national = new Pool({ connectionString: topology.nationalDatabaseUrl, max: 2 });
  });
  afterAll(async () => {
    await national.end();
    await topology.stop();
  });

  const history = () => topology.query(HISTORY, { nhs: patient });
  /** What a request that lost LON must look like: LDS's study, LON named as failed, never complete. */
  const withoutLon = (t: Timed) => {
    const h = t.answer?.data?.patient?.imagingHistory;
    return (
      t.answer?.status === 200 &&
      h?.complete === false &&
      JSON.stringify(h.studies.map((s: { region: { code: string } }) => s.region.code)) === '["LDS"]' &&
      h.sources.some((s: { region: { code: string }; status: string }) => s.region.code === 'LON' && s.status !== 'OK')
    );
  };
  const whole = (t: Timed) => t.answer?.status === 200 && t.answer.data?.patient?.imagingHistory?.complete === true && t.answer.data.patient.imagingHistory.studies.length === 2;

  it('a paused region (SIGSTOP) under load: every request answers within a few region budgets, with the other region and a timeout for it', async () => {
    const lon = topology.regions.get('LON')!.process!.child;
    lon.kill('SIGSTOP');
    let results: Timed[];
    try {
      results = await underLoad(history, 24, 4);
    } finally {
      lon.kill('SIGCONT');
    }
    expect(results.length).toBe(24);
    expect(results.filter(withoutLon).length).toBe(24);
    expect(results.filter((t) => t.answer?.errors?.some((e) => e.extensions?.code === 'REGION_TIMEOUT')).length).toBe(24);
    expect(Math.max(...results.map((t) => t.ms))).toBeLessThan(REGION_BUDGET_MS * GENEROUS);
    expect(whole({ answer: await history(), failure: null, ms: 0 })).toBe(true);
  });

  it('a region killed under load: every request completes, whole before the kill and without that region after it', async () => {
    let killedAfter = 0;
    const results = await underLoad(history, 40, 4, async (sent) => {
      while (sent() < 10) await new Promise((r) => setTimeout(r, 10));
      killedAfter = sent();
      topology.regions.get('LON')!.process!.child.kill('SIGKILL');
    });
    try {
      expect(results.length).toBe(40);
      expect(results.filter((t) => t.failure !== null)).toEqual([]);
      // Each answer is either whole or says LON failed: nothing wrong, nothing silently missing.
      expect(results.filter((t) => !whole(t) && !withoutLon(t))).toEqual([]);
      expect(results.filter(withoutLon).length).toBeGreaterThanOrEqual(40 - killedAfter - 4);
      expect(Math.max(...results.map((t) => t.ms))).toBeLessThan(REGION_BUDGET_MS * GENEROUS);
    } finally {
      await topology.startRegion('LON');
    }
    expect(whole({ answer: await history(), failure: null, ms: 0 })).toBe(true);
  });

  it('the audit table locked under load: every patient request fails closed with 503 within a few audit budgets, and every answer with data has its audit row', async () => {
    const nhs = testNhsNumber(9402);
    const count = async () => Number((await national.query("SELECT count(*) FROM audit_event WHERE nhs_numbers @> ARRAY[$1]::text[] AND outcome = 'OK'", [nhs])).rows[0].count);
    const locker = await national.connect();
    let locked: Timed[];
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE audit_event IN ACCESS EXCLUSIVE MODE');
      locked = await underLoad(() => topology.query(HISTORY, { nhs }), 20, 4);
    } finally {
      await locker.query('ROLLBACK');
      locker.release();
    }
    expect(locked.filter((t) => t.answer?.status === 503 && t.answer.errors?.[0]?.extensions?.code === 'AUDIT_UNAVAILABLE' && !t.answer.data).length).toBe(20);
    expect(Math.max(...locked.map((t) => t.ms))).toBeLessThan(AUDIT_BUDGET_MS * GENEROUS * 2);
    const before = await count();
    const after = await underLoad(() => topology.query(HISTORY, { nhs }), 10, 2);
    expect(after.filter((t) => t.answer?.status === 200).length).toBe(10);
    expect((await count()) - before).toBe(10);
  });

  it('the national database unreachable: patient requests fail closed within a few audit budgets, readiness says so, and service resumes', async () => {
    const { port, hostname } = new URL(topology.nationalDatabaseUrl);
    const proxy = await startTcpProxy(Number(port), hostname);
    const url = new URL(topology.nationalDatabaseUrl);
    url.port = String(proxy.port);
    const replica = await topology.startGatewayReplica({ DATABASE_URL: url.toString() });
    const clinician = await topology.auth.headers({ role: 'CLINICIAN', sub: 'dr-fault', purposeOfUse: 'DIRECT_CARE' });
    const ask = () => postGraphQL(replica.url, HISTORY, { nhs: patient }, clinician);
    try {
      expect((await ask()).status).toBe(200);
      proxy.blackhole();
      const cut = await underLoad(ask, 12, 3);
      expect(cut.filter((t) => t.answer?.status === 503 && t.answer.errors?.[0]?.extensions?.code === 'AUDIT_UNAVAILABLE').length).toBe(12);
      expect(Math.max(...cut.map((t) => t.ms))).toBeLessThan(AUDIT_BUDGET_MS * GENEROUS * 2);
      const started = Date.now();
      expect((await fetch(`${replica.baseUrl}/readyz`)).status).toBe(503);
      expect(Date.now() - started).toBeLessThan(15_000);
      proxy.restore();
      const deadline = Date.now() + 30_000;
      let status = 0;
      while (status !== 200 && Date.now() < deadline) {
        status = (await ask()).status;
        if (status !== 200) await new Promise((r) => setTimeout(r, 250));
      }
      expect(status).toBe(200);
    } finally {
      proxy.restore();
      await replica.stop();
      await proxy.stop();
    }
  });

  it('a gateway killed (SIGKILL) and restarted: clients get connection errors, never hangs, and the restarted gateway serves every registered region', async () => {
    const replica = await topology.startGatewayReplica();
    const clinician = await topology.auth.headers({ role: 'CLINICIAN', sub: 'dr-restart', purposeOfUse: 'DIRECT_CARE' });
    expect(whole({ answer: await postGraphQL(replica.url, HISTORY, { nhs: patient }, clinician), failure: null, ms: 0 })).toBe(true);
    replica.process.child.kill('SIGKILL');
    await new Promise((r) => replica.process.child.once('exit', r));
    const started = Date.now();
    await expect(postGraphQL(replica.url, HISTORY, { nhs: patient }, clinician)).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(5000);
    const again = await topology.startGatewayReplica();
    try {
      expect(whole({ answer: await postGraphQL(again.url, HISTORY, { nhs: patient }, clinician), failure: null, ms: 0 })).toBe(true);
    } finally {
      await again.stop();
    }
  });
});
