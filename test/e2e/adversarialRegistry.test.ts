import { Pool } from 'pg';
import { REGION_SDL } from '../../lib/contract';
import { purposeBound, SIGNATURE_PURPOSE } from '../../lib/locator/membershipProtocol';
import { SIGNATURE_HEADER, signRequest } from '../../lib/security/gatewaySignature';
import { postGraphQL } from '../support/postGraphQL';
import { startRegionProxy } from '../support/startRegionProxy';
import { startTamperingProxy } from '../support/startTamperingProxy';
import { startTopology, type Topology } from '../support/startTopology';
import { studyInput, testNhsNumber } from '../support/studyInputs';

const HISTORY = `query($nhs: String!) { patient(nhsNumber: $nhs) { imagingHistory {
  complete studies { studyInstanceUid region { code } retrieve { wadoRsUrl } } sources { region { code } status } } } }`;
const REGISTER = `mutation($input: RegisterRegionInput!) { registerRegion(input: $input) { code } }`;

interface RegistryRow {
  user_id: string;
  role: string;
  action: string;
  region_code: string;
  outcome: string;
  reasons: string[];
  at: Date;
}

describe('an attacker holding one archive credential tries to take over part of the national data path', () => {
  let topology: Topology;
  let national: Pool;
  const patient = testNhsNumber(9101);

  beforeAll(async () => {
    topology = await startTopology({
      regions: [
        { code: 'LDS', name: 'West Yorkshire', studies: [studyInput('91.1', patient)] },
        { code: 'LON', name: 'North Central London', studies: [studyInput('91.2', patient)] },
      ],
      gatewayEnv: { LOCATOR: 'off' },
    });
    national = new Pool({ connectionString: topology.nationalDatabaseUrl, max: 2 });
  });
  afterAll(async () => {
    await national.end();
    await topology.stop();
  });

  const trail = async (code: string) =>
    (await national.query<RegistryRow>('SELECT user_id, role, action, region_code, outcome, reasons, at FROM registry_event WHERE region_code = $1 ORDER BY id', [code])).rows;

  it('an archive token cannot create a new region code, and the attempt is in the registry trail', async () => {
    const impostor = await startRegionProxy(topology.regions.get('LDS')!.url, {});
    try {
      const archive = await topology.auth.headers({ role: 'ARCHIVE', region: 'BRS', sub: 'archive-brs' });
      const res = await postGraphQL(topology.gatewayUrl, REGISTER, { input: { code: 'BRS', name: 'Bristol', url: impostor.url } }, archive);
      expect(res.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN', field: 'Mutation.registerRegion' } });
      expect(res.errors?.[0]?.message).toMatch(/only an administrator may create a new region code/);
      const regions = await postGraphQL(topology.gatewayUrl, '{ regions { code } }', {}, topology.adminHeaders);
      expect(regions.data.regions.map((r: { code: string }) => r.code)).toEqual(['LDS', 'LON']);
      expect(await trail('BRS')).toEqual([expect.objectContaining({ user_id: 'archive-brs', role: 'ARCHIVE', action: 'REGISTER', outcome: 'DENIED', at: expect.any(Date) })]);
    } finally {
      await impostor.stop();
    }
  });

  it('an endpoint that serves the contract but does not hold the region secret is refused, even when an administrator registers it', async () => {
    // Serves the real SDL, ignores signatures, cannot sign its answer to the challenge.
    const impostor = await startRegionProxy(topology.regions.get('LDS')!.url, { sdl: REGION_SDL });
    try {
      const res = await topology.register('IMP', 'Impostor', impostor.url);
      expect(res.errors?.[0]?.extensions?.code).toBe('REGISTRATION_REFUSED');
      expect(res.errors?.[0]?.message).toMatch(/did not prove it holds this region's secret/);
      expect((await trail('IMP')).map((r) => [r.user_id, r.outcome])).toEqual([['admin-test', 'REFUSED']]);
    } finally {
      await impostor.stop();
    }
  });

  it('a region whose answers are rewritten in transit, or lose their signature, counts as unavailable and none of its data is shown', async () => {
    const lon = topology.regions.get('LON')!;
    const proxy = await startTamperingProxy(lon.url);
    try {
      expect((await topology.register('LON', lon.name, proxy.url)).errors).toBeUndefined();
      const honest = await topology.query(HISTORY, { nhs: patient });
      expect(honest.data.patient.imagingHistory.complete).toBe(true);
      for (const mode of ['rewrite', 'strip'] as const) {
        proxy.mode = mode;
        const res = await topology.query(HISTORY, { nhs: patient });
        const history = res.data.patient.imagingHistory;
        expect(history.complete).toBe(false);
        expect(history.sources).toEqual(expect.arrayContaining([{ region: { code: 'LON' }, status: 'UNAVAILABLE' }]));
        expect(history.studies.map((s: { region: { code: string } }) => s.region.code)).toEqual(['LDS']);
        expect(JSON.stringify(res)).not.toContain('attacker.example');
        expect(res.errors?.[0]?.message).toMatch(/not signed with the region's secret/);
      }
    } finally {
      await topology.register('LON', lon.name, lon.url);
      await proxy.stop();
    }
  });

  it("an archive may re-register its own existing code, and every registry change says who, what and when", async () => {
    const lds = topology.regions.get('LDS')!;
    const archive = await topology.auth.headers({ role: 'ARCHIVE', region: 'LDS', sub: 'archive-lds' });
    const before = new Date(Date.now() - 1000);
    const res = await postGraphQL(topology.gatewayUrl, REGISTER, { input: { code: 'LDS', name: lds.name, url: lds.url } }, archive);
    expect(res.errors).toBeUndefined();
    const deregister = await postGraphQL(topology.gatewayUrl, 'mutation { deregisterRegion(code: "LON") { deregistered } }', {}, archive);
    expect(deregister.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN', field: 'Mutation.deregisterRegion' } });
    const gone = await postGraphQL(topology.gatewayUrl, 'mutation { deregisterRegion(code: "ZZZ") { deregistered } }', {}, topology.adminHeaders);
    expect(gone.data.deregisterRegion.deregistered).toBe(false);
    const lastLds = (await trail('LDS')).at(-1)!;
    expect(lastLds).toMatchObject({ user_id: 'archive-lds', role: 'ARCHIVE', action: 'REGISTER', outcome: 'REPLACED' });
    expect(lastLds.at.getTime()).toBeGreaterThan(before.getTime());
    expect((await trail('LON')).at(-1)).toMatchObject({ user_id: 'archive-lds', action: 'DEREGISTER', outcome: 'DENIED' });
    expect((await trail('ZZZ')).at(-1)).toMatchObject({ user_id: 'admin-test', action: 'DEREGISTER', outcome: 'NOT_REGISTERED' });
  });

  it("a region signature captured at one door (a membership read) is refused at another (/graphql): it covers method and path", async () => {
    const lds = topology.regions.get('LDS')!;
    const body = JSON.stringify({ query: `{ patient(nhsNumber: "${patient}") { nhsNumber } }` });
    const forMembership = { [SIGNATURE_HEADER]: signRequest(topology.auth.regionSecret('LDS'), purposeBound(SIGNATURE_PURPOSE.read, body)) };
    const refused = await fetch(lds.url, { method: 'POST', headers: { 'content-type': 'application/json', ...forMembership }, body });
    expect(refused.status).toBe(401);
    const forGraphql = await fetch(lds.url, { method: 'POST', headers: { 'content-type': 'application/json', ...topology.auth.sign('LDS')(body) }, body });
    expect(forGraphql.status).toBe(200);
  });

  it('nobody rewrites the registry trail afterwards, not even the database owner', async () => {
    await national.query(
      "INSERT INTO registry_event (user_id, role, action, region_code, outcome, request_id) VALUES ('admin-test', 'ADMIN', 'REGISTER', 'TRL', 'CREATED', 'r-1')",
    );
    await expect(national.query("UPDATE registry_event SET user_id = 'someone-else'")).rejects.toThrow(/registry_event is append-only: UPDATE/);
    await expect(national.query('DELETE FROM registry_event')).rejects.toThrow(/registry_event is append-only: DELETE/);
    await expect(national.query('TRUNCATE registry_event')).rejects.toThrow(/registry_event is append-only: TRUNCATE/);
  });

  it("a clinician's registerRegion, refused before any resolver runs, is in the registry trail too", async () => {
    const clinician = await topology.auth.headers({ role: 'CLINICIAN', sub: 'dr-registrar', purposeOfUse: 'DIRECT_CARE' });
    const res = await postGraphQL(topology.gatewayUrl, REGISTER, { input: { code: 'CLN', name: 'Clinician region', url: 'http://127.0.0.1:9/graphql' } }, clinician);
    expect(res.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN', field: 'Mutation.registerRegion' } });
    expect(await trail('CLN')).toEqual([expect.objectContaining({ user_id: 'dr-registrar', role: 'CLINICIAN', action: 'REGISTER', outcome: 'DENIED' })]);
  });
});
