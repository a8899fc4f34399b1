import { DEMO_AUDIENCE, DEMO_ISSUER } from '../../dev/demoKeys';
import { spawnService } from '../../dev/spawnService';
import { deriveRegionSecret } from '../../lib/security/gatewaySignature';
import { postGraphQL } from '../support/postGraphQL';
import { startNginx } from '../support/startNginx';
import { startTopology, type Topology } from '../support/startTopology';
import { studyInput, testNhsNumber } from '../support/studyInputs';

const REFRESH_MS = 1000;
const LIMIT_PER_MINUTE = 20;
const HISTORY = `query($nhs: String!) { patient(nhsNumber: $nhs) { imagingHistory { complete studies { region { code } } } } }`;

describe('two gateway replicas behind a real nginx over one national database', () => {
  let topology: Topology;
  let replica: Awaited<ReturnType<Topology['startGatewayReplica']>>;
  let nginx: Awaited<ReturnType<typeof startNginx>>;
  const patient = testNhsNumber(9501);
  const hostPort = (url: string) => new URL(url).host;

  beforeAll(async () => {
    topology = await startTopology({
      regions: [{ code: 'LDS', name: 'West Yorkshire', studies: [studyInput('95.1', patient)] }],
      gatewayEnv: { LOCATOR: 'off', REGISTRY_REFRESH_MS: String(REFRESH_MS), RATE_LIMIT_PER_MINUTE: String(LIMIT_PER_MINUTE) },
    });
    replica = await topology.startGatewayReplica();
    nginx = await startNginx([hostPort(topology.gatewayUrl), hostPort(replica.url)]);
  });
  afterAll(async () => {
    await nginx?.stop();
    await topology.stop();
  });

  const clinician = (sub: string) => topology.auth.headers({ role: 'CLINICIAN', sub, purposeOfUse: 'DIRECT_CARE' });

  it('a region registered through one replica is served by the other within a few refresh intervals', async () => {
    // A replica of its own, running before the registration (another test kills the load balancer's second one).
    const other = await topology.startGatewayReplica();
    const added = await topology.addRegion({ code: 'NEW', name: 'New Region', studies: [studyInput('95.2', patient)] });
    expect((await topology.register('NEW', 'New Region', added.url)).errors).toBeUndefined();
    const headers = await clinician('dr-replicas');
    const started = Date.now();
    let codes: string[] = [];
    while (Date.now() - started < REFRESH_MS * 10) {
      const res = await postGraphQL(other.url, HISTORY, { nhs: patient }, headers);
      codes = res.data.patient.imagingHistory.studies.map((s: { region: { code: string } }) => s.region.code).sort();
      if (codes.includes('NEW')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await other.stop();
    expect(codes).toEqual(['LDS', 'NEW']);
    // And through the load balancer, whichever replica answers. Each replica behind it
    // re-reads the registry on its own timer, so it may learn of the region up to one
    // refresh interval after `other` did: wait for four answers in a row with both studies.
    const viaBalancer = Date.now();
    let inARow = 0;
    while (inARow < 4 && Date.now() - viaBalancer < REFRESH_MS * 10) {
      const res = await postGraphQL(`${nginx.url}/graphql`, HISTORY, { nhs: patient }, headers);
      inARow = res.data.patient.imagingHistory.studies.length === 2 ? inARow + 1 : 0;
      if (inARow === 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(inARow).toBe(4);
  });

  it('the per-user rate limit holds across replicas: the load balancer does not double it', async () => {
    const headers = await clinician('dr-rate-limited');
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT_PER_MINUTE + 10; i++) statuses.push((await postGraphQL(`${nginx.url}/graphql`, '{ __typename }', {}, headers)).status);
    expect(statuses.filter((s) => s === 200).length).toBe(LIMIT_PER_MINUTE);
    expect(statuses.filter((s) => s === 429).length).toBe(10);
  });

  it('a replica killed under load loses only the requests it had in flight', async () => {
    const workers = 4;
    const perWorker = 15;
    const results: number[] = [];
    let sent = 0;
    let killed = false;
    const worker = async (w: number) => {
      const headers = await clinician(`dr-load-${w}`);
      for (let i = 0; i < perWorker; i++) {
        sent++;
        if (sent === 20 && !killed) {
          killed = true;
          replica.process.child.kill('SIGKILL');
        }
        try {
          const res = await postGraphQL(`${nginx.url}/graphql`, HISTORY, { nhs: patient }, headers);
          results.push(res.status === 200 && res.data.patient.imagingHistory.complete === true ? 200 : res.status);
        } catch {
          results.push(-1);
        }
      }
    };
    await Promise.all(Array.from({ length: workers }, (_, w) => worker(w)));
    expect(results.length).toBe(workers * perWorker);
    // At most one request per client was in flight at the killed replica.
    expect(results.filter((s) => s !== 200).length).toBeLessThanOrEqual(workers);
  });

  it("a request captured on its way to one replica of a region is refused as a replay by the region's other replica", async () => {
    const lds = topology.regions.get('LDS')!;
    const second = await spawnService('subgraphs/region/index.ts', {
      env: {
        LOG_LEVEL: 'silent',
        REGION_CODE: 'LDS',
        REGION_NAME: lds.name,
        PORT: '0',
        DATABASE_URL: lds.databaseUrl,
        GATEWAY_SHARED_SECRET: topology.auth.regionSecret('LDS'),
        JWKS_FILE: topology.auth.jwksFile,
        JWT_ISSUER: DEMO_ISSUER,
        JWT_AUDIENCE: DEMO_AUDIENCE,
      },
    });
    try {
      const body = JSON.stringify({ query: `{ patient(nhsNumber: "${patient}") { nhsNumber } }` });
      const headers = { 'content-type': 'application/json', ...topology.auth.sign('LDS')(body) };
      const first = await fetch(lds.url, { method: 'POST', headers, body });
      expect(first.status).toBe(200);
      const replayed = await fetch(second.info.url!, { method: 'POST', headers, body });
      expect(replayed.status).toBe(401);
      expect(await replayed.text()).toMatch(/replayed/);
    } finally {
      await second.stop();
    }
  });

  it('a region secret rotates without downtime: with both keys the region serves gateways signing with either; with the new key alone, only the gateway that moved', async () => {
    const key = (id: string) => `${id}:${deriveRegionSecret(topology.auth.signingKey, 'ROT', id)}`;
    const both = await topology.addRegion({ code: 'ROT', name: 'Rotating', studies: [studyInput('95.3', patient)], env: { GATEWAY_SHARED_SECRET: `${key('2')},${key('1')}` } });
    const moved = await topology.startGatewayReplica({ REGION_KEY_IDS: '2,1' });
    const headers = await clinician('dr-rotation');
    const sources = async (url: string) => {
      const res = await postGraphQL(url, `query($nhs: String!) { patient(nhsNumber: $nhs) { imagingHistory { sources { region { code } status } } } }`, { nhs: patient }, headers);
      // The moved replica signs with key 2, which LDS (key 1 only) refuses: until ROT answers it, nobody does.
      if (!res.data?.patient) return {};
      return Object.fromEntries(res.data.patient.imagingHistory.sources.map((s: { region: { code: string }; status: string }) => [s.region.code, s.status]));
    };
    try {
      expect((await topology.register('ROT', 'Rotating', both.url)).errors).toBeUndefined();
      const until = async (url: string, status: string) => {
        const deadline = Date.now() + REFRESH_MS * 10;
        let seen = await sources(url);
        while (seen.ROT !== status && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 100));
          seen = await sources(url);
        }
        return seen.ROT;
      };
      expect(await until(topology.gatewayUrl, 'OK')).toBe('OK');
      expect(await until(moved.url, 'OK')).toBe('OK');
      await topology.stopRegion('ROT');
      topology.regions.get('ROT')!.process = null;
      const newOnly = await spawnService('subgraphs/region/index.ts', {
        env: {
          LOG_LEVEL: 'silent', REGION_CODE: 'ROT', REGION_NAME: 'Rotating', PORT: String(both.port), DATABASE_URL: both.databaseUrl,
          GATEWAY_SHARED_SECRET: key('2'), JWKS_FILE: topology.auth.jwksFile, JWT_ISSUER: DEMO_ISSUER, JWT_AUDIENCE: DEMO_AUDIENCE,
        },
      });
      try {
        expect(await until(moved.url, 'OK')).toBe('OK');
        expect(await sources(topology.gatewayUrl)).toMatchObject({ ROT: 'UNAVAILABLE' });
      } finally {
        await newOnly.stop();
      }
    } finally {
      await postGraphQL(topology.gatewayUrl, 'mutation { deregisterRegion(code: "ROT") { deregistered } }', {}, topology.adminHeaders);
      await moved.stop();
    }
  });
});
