import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { SCHEMA_DIR } from '../../lib/contract';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { toDicomJson } from '../../subgraphs/region/synthetic/toDicomJson';
import { validateStudyInput } from '../../subgraphs/region/ingest/validateStudyInput';
import { postGraphQL } from '../support/postGraphQL';
import { purposeBound, REGION_CODE_HEADER, REGION_SIGNATURE_HEADER, SIGNATURE_PURPOSE } from '../../lib/locator/membershipProtocol';
import { signRequest, SIGNATURE_HEADER } from '../../lib/security/gatewaySignature';
import { startRegionProxy } from '../support/startRegionProxy';
import { startTopology, type Topology } from '../support/startTopology';
import { studyInput, testNhsNumber } from '../support/studyInputs';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '..', '..');

const HISTORY = `query($nhs: String!) { patient(nhsNumber: $nhs) { imagingHistory {
  complete studies { studyInstanceUid region { code } } sources { region { code } status studyCount }
  coverage { regionsInScope regionsAsked regionsSkipped } } } }`;

const WRITE = `mutation($studies: [StudyInput!]!) { upsertStudies(studies: $studies) { inserted rejected { reasons } membership } }`;

// Short lease and poll so the no-miss cases run in seconds; the rules are the same at any length.
const LEASE_MS = 1500;
const locatorEnv = { LOCATOR_LEASE_MS: String(LEASE_MS), LOCATOR_POLL_MS: '250' };

describe('the national patient locator never misses a study', () => {
  let topology: Topology;
  let uid = 0;
  const nextUid = () => `77.${++uid}`;

  beforeAll(async () => {
    topology = await startTopology({
      regions: [
        { code: 'LDS', name: 'West Yorkshire', studies: [studyInput('70.1', testNhsNumber(7001))] },
        { code: 'LON', name: 'North Central London', studies: [studyInput('70.2', testNhsNumber(7002))] },
        { code: 'MAN', name: 'Greater Manchester', studies: [] },
        { code: 'BRS', name: 'Bristol', studies: [], env: { GATEWAY_URL: 'http://127.0.0.1:9' } },
      ],
      gatewayEnv: locatorEnv,
      regionEnv: { LOCATOR_LEASE_MS: String(LEASE_MS) },
    });
  });
  afterAll(async () => topology.stop());

  /** Waits until every region's summary is fresh at the gateway, so that skipping is possible. */
  const untilFresh = async (codes = ['LDS', 'LON', 'MAN', 'BRS']) => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const ready = (await (await fetch(`${topology.baseUrl}/readyz`)).json()) as { locator?: { regions: Array<{ code: string; fresh: boolean }> } };
      const fresh = new Set(ready.locator?.regions.filter((r) => r.fresh).map((r) => r.code));
      if (codes.every((c) => fresh.has(c))) return;
      if (Date.now() > deadline) throw new Error(`locator not fresh for ${codes.filter((c) => !fresh.has(c)).join(', ')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const history = async (nhs: string) => {
    const res = await topology.query(HISTORY, { nhs });
    expect(res.errors).toBeUndefined();
    const h = res.data.patient.imagingHistory;
    expect(h.coverage.regionsAsked + h.coverage.regionsSkipped).toBe(h.coverage.regionsInScope);
    expect(h.coverage.regionsAsked).toBe(h.sources.length);
    return h;
  };
  const write = async (code: string, studies: Record<string, unknown>[]) => {
    const region = topology.regions.get(code)!;
    const res = await postGraphQL(region.ingestUrl, WRITE, { studies }, await topology.auth.headers({ role: 'ARCHIVE', region: code }));
    expect(res.errors).toBeUndefined();
    expect(res.data.upsertStudies.rejected).toEqual([]);
    return res.data.upsertStudies;
  };

  it('asks only the region that holds the patient, and says how many it ruled out', async () => {
    await untilFresh();
    const h = await history(testNhsNumber(7001));
    expect(h.studies.map((s: { region: { code: string } }) => s.region.code)).toEqual(['LDS']);
    expect(h.sources).toEqual([{ region: { code: 'LDS' }, status: 'OK', studyCount: 1 }]);
    expect(h.coverage).toEqual({ regionsInScope: 4, regionsAsked: 1, regionsSkipped: 3 });
    expect(h.complete).toBe(true);
  });

  it('answers a patient no region holds without asking any, complete and empty', async () => {
    await untilFresh();
    const h = await history(testNhsNumber(7999));
    expect(h).toEqual({ complete: true, studies: [], sources: [], coverage: { regionsInScope: 4, regionsAsked: 0, regionsSkipped: 4 } });
  });

  it('keeps filter.regions as the scope, and still rules out regions inside it', async () => {
    await untilFresh();
    const res = await topology.query(
      `query($nhs: String!) { patient(nhsNumber: $nhs) { imagingHistory(filter: { regions: ["LON", "MAN"] }) { studies { studyInstanceUid } coverage { regionsInScope regionsAsked regionsSkipped } } } }`,
      { nhs: testNhsNumber(7002) },
    );
    expect(res.data.patient.imagingHistory.coverage).toEqual({ regionsInScope: 2, regionsAsked: 1, regionsSkipped: 1 });
  });

  it('finds a study written through the ingest API to a region that held nothing for the patient, in the very next answer', async () => {
    await untilFresh();
    const nhs = testNhsNumber(7101);
    expect((await history(nhs)).studies).toEqual([]);
    const written = await write('MAN', [studyInput(nextUid(), nhs)]);
    expect(written.membership).toBe('PUBLISHED');
    const h = await history(nhs);
    expect(h.studies.map((s: { region: { code: string } }) => s.region.code)).toEqual(['MAN']);
  });

  it('finds a study loaded by the bulk loader, in the very next answer', async () => {
    await untilFresh();
    const nhs = testNhsNumber(7102);
    const region = topology.regions.get('LON')!;
    const validated = validateStudyInput(studyInput(nextUid(), nhs) as never);
    if (!validated.ok) throw new Error(validated.reasons.join('; '));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'locator-'));
    const file = path.join(dir, 'one.ndjson');
    fs.writeFileSync(file, JSON.stringify(toDicomJson(validated.record)));
    try {
      const { stdout } = await run(process.execPath, ['--import', 'tsx', 'subgraphs/region/cli/bulkLoad.ts', '--file', file], {
        cwd: ROOT,
        env: {
          ...process.env,
          LOG_LEVEL: 'silent',
          DATABASE_URL: region.databaseUrl,
          REGION_CODE: 'LON',
          GATEWAY_SHARED_SECRET: topology.auth.regionSecret('LON'),
          GATEWAY_URL: topology.baseUrl,
        },
      });
      expect(JSON.parse(stdout.trim().split('\n').pop()!)).toMatchObject({ inserted: 1, membership: 'published' });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    const h = await history(nhs);
    expect(h.studies.map((s: { region: { code: string } }) => s.region.code)).toEqual(['LON']);
  });

  it('finds a study written just before the gateway restarts', async () => {
    await untilFresh();
    const nhs = testNhsNumber(7103);
    await write('LDS', [studyInput(nextUid(), nhs)]);
    await topology.restartGateway();
    const h = await history(nhs);
    expect(h.studies.map((s: { region: { code: string } }) => s.region.code)).toEqual(['LDS']);
  });

  it('finds a study written just before its region restarts', async () => {
    await untilFresh();
    const nhs = testNhsNumber(7104);
    await write('MAN', [studyInput(nextUid(), nhs)]);
    await topology.stopRegion('MAN');
    await topology.startRegion('MAN');
    const h = await history(nhs);
    expect(h.studies.map((s: { region: { code: string } }) => s.region.code)).toEqual(['MAN']);
  });

  it('finds a study whose publication failed: the write is held for one lease, then the region is asked', async () => {
    await untilFresh();
    const nhs = testNhsNumber(7105);
    const started = Date.now();
    const written = await write('BRS', [studyInput(nextUid(), nhs)]);
    expect(written.membership).toBe('UNPUBLISHED');
    expect(Date.now() - started).toBeGreaterThanOrEqual(LEASE_MS);
    const h = await history(nhs);
    expect(h.studies.map((s: { region: { code: string } }) => s.region.code)).toEqual(['BRS']);
  });

  it('tells another gateway replica of a publication through the national database, without waiting for its poll', async () => {
    // The replica polls once a minute and trusts a poll for two: only NOTIFY can move it in time.
    const replica = await topology.startGatewayReplica({ LOCATOR_POLL_MS: '60000', LOCATOR_LEASE_MS: '120000' });
    try {
      const readyAt = async (base: string) => (await (await fetch(`${base}/readyz`)).json()) as { locator: { regions: Array<{ code: string; fresh: boolean; appliedSeq: number }> } };
      const deadline = Date.now() + 20_000;
      while (!(await readyAt(replica.baseUrl)).locator.regions.every((r) => r.fresh)) {
        if (Date.now() > deadline) throw new Error('replica never became fresh');
        await new Promise((r) => setTimeout(r, 100));
      }
      const before = (await readyAt(replica.baseUrl)).locator.regions.find((r) => r.code === 'LDS')!.appliedSeq;
      // Published to the first gateway (the regions' GATEWAY_URL); the replica hears of it by NOTIFY.
      const written = await write('LDS', [studyInput(nextUid(), testNhsNumber(7107))]);
      expect(written.membership).toBe('PUBLISHED');
      const started = Date.now();
      let applied = before;
      while (applied <= before && Date.now() - started < 5000) {
        await new Promise((r) => setTimeout(r, 10));
        applied = (await readyAt(replica.baseUrl)).locator.regions.find((r) => r.code === 'LDS')!.appliedSeq;
      }
      expect(applied).toBeGreaterThan(before);
      const res = await postGraphQL(replica.url, HISTORY, { nhs: testNhsNumber(7107) }, await topology.auth.headers({ role: 'CLINICIAN', sub: 'dr-replica', purposeOfUse: 'DIRECT_CARE' }));
      expect(res.data.patient.imagingHistory.studies.map((st: { region: { code: string } }) => st.region.code)).toEqual(['LDS']);
    } finally {
      await replica.stop();
    }
  });

  it('asks a region whose summary cannot be fetched about every patient', async () => {
    const region = await topology.addRegion({ code: 'NCL', name: 'North East', studies: [studyInput(nextUid(), testNhsNumber(7106))] });
    const proxy = await startRegionProxy(region.url, { failMembership: true });
    try {
      const registered = await topology.register('NCL', 'North East', proxy.url);
      expect(registered.errors).toBeUndefined();
      await untilFresh();
      const held = await history(testNhsNumber(7106));
      expect(held.studies.map((s: { region: { code: string } }) => s.region.code)).toEqual(['NCL']);
      const elsewhere = await history(testNhsNumber(7001));
      expect(elsewhere.sources.map((s: { region: { code: string } }) => s.region.code).sort()).toEqual(['LDS', 'NCL']);
      expect(elsewhere.coverage).toEqual({ regionsInScope: 5, regionsAsked: 2, regionsSkipped: 3 });
    } finally {
      await postGraphQL(topology.gatewayUrl, 'mutation { deregisterRegion(code: "NCL") { deregistered } }', {}, topology.adminHeaders);
      await proxy.stop();
    }
  });

  it('accepts a region still on the previous contract, and asks it about every patient', async () => {
    const region = await topology.addRegion({ code: 'OLD', name: 'Not yet upgraded', studies: [studyInput(nextUid(), testNhsNumber(7108))] });
    const previous = fs.readFileSync(path.join(SCHEMA_DIR, 'region.previous.graphql'), 'utf8');
    const proxy = await startRegionProxy(region.url, { sdl: previous, secret: topology.auth.regionSecret('OLD') });
    try {
      const registered = await topology.register('OLD', 'Not yet upgraded', proxy.url);
      expect(registered.errors).toBeUndefined();
      await untilFresh();
      const held = await history(testNhsNumber(7108));
      expect(held.studies.map((s: { region: { code: string } }) => s.region.code)).toEqual(['OLD']);
      const elsewhere = await history(testNhsNumber(7002));
      expect(elsewhere.sources.map((s: { region: { code: string } }) => s.region.code).sort()).toEqual(['LON', 'OLD']);
      expect(elsewhere.coverage).toEqual({ regionsInScope: 5, regionsAsked: 2, regionsSkipped: 3 });
    } finally {
      await postGraphQL(topology.gatewayUrl, 'mutation { deregisterRegion(code: "OLD") { deregistered } }', {}, topology.adminHeaders);
      await proxy.stop();
    }
  });

  describe('the membership doors, as an attacker would try them', () => {
    const publication = (region: string, nhsNumbers: string[]) =>
      JSON.stringify({ region, epoch: '00000000-0000-4000-8000-000000000000', seq: 1, fromSeq: 0, toSeq: 1, nhsNumbers });
    const publish = (body: string, headers: Record<string, string>) =>
      fetch(`${topology.baseUrl}/membership/changes`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    const signedAs = (code: string, body: string) => ({
      [REGION_CODE_HEADER]: code,
      [REGION_SIGNATURE_HEADER]: signRequest(topology.auth.regionSecret(code), purposeBound(SIGNATURE_PURPOSE.publish, body)),
    });

    it('refuses an unsigned publication, and one signed with another region\'s secret', async () => {
      const body = publication('LDS', [testNhsNumber(7200)]);
      expect((await publish(body, { [REGION_CODE_HEADER]: 'LDS' })).status).toBe(401);
      expect((await publish(body, { ...signedAs('LON', body), [REGION_CODE_HEADER]: 'LDS' })).status).toBe(401);
    });

    it('refuses a gateway-to-region signature replayed as a publication, and a replayed publication', async () => {
      const body = publication('LDS', [testNhsNumber(7201)]);
      const graphqlSignature = signRequest(topology.auth.regionSecret('LDS'), body);
      expect((await publish(body, { [REGION_CODE_HEADER]: 'LDS', [REGION_SIGNATURE_HEADER]: graphqlSignature })).status).toBe(401);
      const headers = signedAs('MAN', publication('MAN', []));
      const first = await publish(publication('MAN', []), headers);
      expect([200, 409]).toContain(first.status);
      expect((await publish(publication('MAN', []), headers)).status).toBe(401);
    });

    it('refuses a publication for another region than its signer, a bad NHS number, an oversized body and a GET', async () => {
      const forOther = publication('LON', [testNhsNumber(7202)]);
      expect((await publish(forOther, signedAs('LDS', forOther))).status).toBe(400);
      const bad = publication('LDS', ['9990000019']);
      const refused = await publish(bad, signedAs('LDS', bad));
      expect(refused.status).toBe(400);
      expect(((await refused.json()) as { error: string }).error).toMatch(/check digit/);
      const huge = publication('LDS', Array.from({ length: 30_000 }, () => testNhsNumber(7203)));
      expect((await publish(huge, signedAs('LDS', huge))).status).toBe(413);
      expect((await fetch(`${topology.baseUrl}/membership/changes`)).status).toBe(405);
    });

    it('refuses membership reads at a region that the gateway did not sign for that purpose', async () => {
      const region = topology.regions.get('LDS')!;
      const url = region.url.replace(/\/graphql$/, '/membership');
      const body = JSON.stringify({ op: 'changes', since: 0, limit: 100 });
      const read = (headers: Record<string, string>) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
      expect((await read({})).status).toBe(401);
      // A signature valid for a GraphQL fetch is not valid for a membership read.
      expect((await read({ [SIGNATURE_HEADER]: signRequest(topology.auth.regionSecret('LDS'), body) })).status).toBe(401);
      const signed = await read({ [SIGNATURE_HEADER]: signRequest(topology.auth.regionSecret('LDS'), purposeBound(SIGNATURE_PURPOSE.read, body)) });
      expect(signed.status).toBe(200);
      expect(((await signed.json()) as { nhsNumbers: string[] }).nhsNumbers).toContain(testNhsNumber(7001));
    });
  });
});
