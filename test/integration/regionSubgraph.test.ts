import { startTestRegion } from '../support/startTestRegion';
import type { RunningRegion } from '../../subgraphs/region/server';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { postGraphQL } from '../support/postGraphQL';
import { createTestAuth, type TestAuth } from '../support/testAuth';
import { studyInput, testNhsNumber, UPSERT } from '../support/studyInputs';

const HISTORY = `query($nhs: String!, $filter: StudyFilter, $first: Int) {
  patient(nhsNumber: $nhs) {
    nhsNumber
    imagingHistory(filter: $filter, first: $first) {
      complete
      sources { region { code name } status studyCount }
      studies { studyInstanceUid studyDate modalities status region { code } retrieve { wadoRsUrl viewerUrl } series { seriesInstanceUid } }
    }
  }
}`;

describe('regional subgraph over a real PostgreSQL index', () => {
  let db: TestDatabase;
  let region: RunningRegion;
  let auth: TestAuth;
  let archive: Record<string, string>;
  /** As the gateway calls the region: signed with the region's secret. */
  const ask = (query: string, variables: Record<string, unknown> = {}) => postGraphQL<any>(region.url, query, variables, {}, auth.sign('LDS'));
  /** As the region's archive writes to it. */
  const write = (query: string, variables: Record<string, unknown> = {}) => postGraphQL<any>(region.ingestUrl, query, variables, archive);
  let queries = 0;
  /** Every signed request claims its nonce in the region's database (replay protection across replicas): one acquire. */
  const NONCE_CLAIM = 1;
  const alice = testNhsNumber(1);
  const bob = testNhsNumber(2);

  beforeAll(async () => {
    db = await createTestDatabase('region', 'regionsub');
    auth = await createTestAuth();
    archive = await auth.headers({ role: 'ARCHIVE', region: 'LDS', org: 'RXX' });
    db.pool.on('acquire', () => queries++);
    region = await startTestRegion(db.pool, auth);
    const seeded = await write( UPSERT, {
      studies: [
        studyInput('1', alice, { studyDate: '2020-01-05', modalities: ['CR'] }),
        studyInput('2', alice, { studyDate: '2023-06-10', modalities: ['CT'] }),
        studyInput('3', alice, { studyDate: '2023-06-10', studyTime: '18:00:00', modalities: ['MR'], wadoRsUrl: null }),
        studyInput('4', bob, { studyDate: '2019-11-11', modalities: ['US'] }),
      ],
    });
    expect(seeded.data?.upsertStudies).toMatchObject({ accepted: 4, inserted: 4, rejected: [] });
  });

  afterAll(async () => {
    await region.stop();
    await db.drop();
  });

  it('returns a patient history newest first with its own source', async () => {
    const res = await ask( HISTORY, { nhs: `${alice.slice(0, 3)} ${alice.slice(3, 6)} ${alice.slice(6)}` });
    expect(res.errors).toBeUndefined();
    const history = res.data.patient.imagingHistory;
    expect(res.data.patient.nhsNumber).toBe(alice);
    expect(history.studies.map((s: { studyInstanceUid: string }) => s.studyInstanceUid.split('.').pop())).toEqual(['3', '2', '1']);
    expect(history.complete).toBe(true);
    expect(history.sources).toEqual([{ region: { code: 'LDS', name: 'West Yorkshire' }, status: 'OK', studyCount: 3 }]);
    expect(history.studies[0].retrieve.wadoRsUrl).toBe('https://pacs.lds.example.nhs.uk/dicomweb/studies/1.2.826.0.1.3680043.10.999.3');
    expect(history.studies[1].series).toEqual([{ seriesInstanceUid: '1.2.826.0.1.3680043.10.999.2.1' }]);
  });

  it('applies modality and date filters and first', async () => {
    const byModality = await ask( HISTORY, { nhs: alice, filter: { modalities: ['ct', 'CR'] } });
    expect(byModality.data.patient.imagingHistory.studies.map((s: { modalities: string[] }) => s.modalities[0])).toEqual(['CT', 'CR']);
    const byDate = await ask( HISTORY, { nhs: alice, filter: { from: '2021-01-01', to: '2023-06-10' } });
    expect(byDate.data.patient.imagingHistory.studies).toHaveLength(2);
    const newest = await ask( HISTORY, { nhs: alice, first: 1 });
    expect(newest.data.patient.imagingHistory.studies).toHaveLength(1);
    expect(newest.data.patient.imagingHistory.sources[0].studyCount).toBe(1);
  });

  it('answers an empty history and no source when the filter names other regions', async () => {
    const res = await ask( HISTORY, { nhs: alice, filter: { regions: ['LON'] } });
    expect(res.data.patient.imagingHistory).toEqual({ complete: true, sources: [], studies: [] });
  });

  it.each([
    ['123', /must have 10 digits, got 3/],
    ['9434765918', /check digit is wrong/],
    ["' OR 1=1 --", /only digits/],
  ])('refuses NHS number %j with BAD_USER_INPUT before touching the database', async (nhs, reason) => {
    const before = queries;
    const res = await ask( HISTORY, { nhs });
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0]?.message).toMatch(reason);
    expect(queries).toBe(before + NONCE_CLAIM);
  });

  it.each([
    [{ from: '2023-02-30' }, /not a real calendar date/],
    [{ from: '2024-01-01', to: '2023-01-01' }, /is after/],
    [{ modalities: ['C T;'] }, /not a DICOM modality code/],
  ])('refuses a bad filter %j with a reason', async (filter, reason) => {
    const res = await ask( HISTORY, { nhs: alice, filter });
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0]?.message).toMatch(reason);
  });

  it('refuses first outside 1..1000', async () => {
    const res = await ask( HISTORY, { nhs: alice, first: 0 });
    expect(res.errors?.[0]?.message).toMatch(/first must be between 1 and 1000/);
  });

  it('resolves many patients through _entities with one SQL query', async () => {
    region.cache.flush();
    const representations = [alice, bob, testNhsNumber(3), testNhsNumber(4), testNhsNumber(5)].map((nhsNumber) => ({ __typename: 'Patient', nhsNumber }));
    const before = queries;
    const res = await ask(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Patient { nhsNumber imagingHistory { studies { studyInstanceUid } } } } }`,
      { r: representations },
    );
    expect(queries - before).toBe(NONCE_CLAIM + 1);
    expect(res.errors).toBeUndefined();
    expect(res.data._entities.map((e: { imagingHistory: { studies: unknown[] } }) => e.imagingHistory.studies.length)).toEqual([3, 1, 0, 0, 0]);
  });

  it('serves repeated reads from the cache and invalidates it on ingest', async () => {
    // A patient of its own: the write below must not change what other tests read.
    const carol = testNhsNumber(7);
    await write(UPSERT, { studies: [studyInput('70', carol, { studyDate: '2019-11-11' })] });
    region.cache.flush();
    await ask(HISTORY, { nhs: carol });
    const before = queries;
    await ask(HISTORY, { nhs: carol });
    expect(queries).toBe(before + NONCE_CLAIM);
    await write(UPSERT, { studies: [studyInput('71', carol, { studyDate: '2025-01-01' })] });
    const after = await ask(HISTORY, { nhs: carol });
    expect(after.data.patient.imagingHistory.studies.map((s: { studyDate: string }) => s.studyDate)).toEqual(['2025-01-01', '2019-11-11']);
  });

  it('publishes the contract SDL through _service', async () => {
    const res = await ask( '{ _service { sdl } }');
    expect(res.data._service.sdl).toContain('type Patient');
    expect(res.data._service.sdl).toMatch(/imagingHistory\(filter: StudyFilter, first: Int\): ImagingHistory!/);
    expect(res.data._service.sdl).not.toContain('upsertStudies');
  });

  it('resolves Study entities by UID and null for unknown ones', async () => {
    const res = await ask(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Study { studyInstanceUid description } } }`,
      { r: [{ __typename: 'Study', studyInstanceUid: '1.2.826.0.1.3680043.10.999.2' }, { __typename: 'Study', studyInstanceUid: '1.2.3.4' }] },
    );
    expect(res.data._entities).toEqual([{ studyInstanceUid: '1.2.826.0.1.3680043.10.999.2', description: 'CT HEAD WITHOUT CONTRAST' }, null]);
  });

  it('has no mutation in the federated contract', async () => {
    const res = await ask( `mutation { upsertStudies(studies: []) { accepted } }`);
    expect(res.errors?.[0]?.message).toMatch(/not configured to execute mutation/);
  });

  describe('protection from callers other than the gateway', () => {
    const ENTITIES = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Patient { imagingHistory { studies { studyInstanceUid } } } } }`;
    const variables = () => ({ r: [{ __typename: 'Patient', nhsNumber: alice }] });

    it('rejects an unsigned call to _entities', async () => {
      const res = await postGraphQL(region.url, ENTITIES, variables());
      expect(res.status).toBe(401);
      expect(res.errors?.[0]).toMatchObject({ message: expect.stringMatching(/must be signed by the national gateway \(missing\)/), extensions: { code: 'UNAUTHENTICATED' } });
      expect(res.data).toBeUndefined();
    });

    it("rejects a call signed with another region's secret", async () => {
      const res = await postGraphQL(region.url, ENTITIES, variables(), {}, auth.sign('LON'));
      expect(res.status).toBe(401);
      expect(res.errors?.[0]?.message).toMatch(/bad-signature/);
    });

    it('rejects a replayed request, even byte for byte', async () => {
      const body = JSON.stringify({ query: ENTITIES, variables: variables() });
      const headers = { 'content-type': 'application/json', ...auth.sign('LDS')(body) };
      const first = await fetch(region.url, { method: 'POST', headers, body });
      expect(first.status).toBe(200);
      const again = await fetch(region.url, { method: 'POST', headers, body });
      expect(again.status).toBe(401);
      expect(((await again.json()) as { errors: Array<{ message: string }> }).errors[0]!.message).toMatch(/replayed/);
    });
  });

  describe('ingest authorisation', () => {
    it('refuses a write without a token', async () => {
      const res = await postGraphQL(region.ingestUrl, UPSERT, { studies: [] });
      expect(res.status).toBe(401);
      expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    });

    it("refuses another region's archive and a clinician", async () => {
      for (const claims of [{ role: 'ARCHIVE' as const, region: 'LON' }, { role: 'CLINICIAN' as const }]) {
        const res = await postGraphQL(region.ingestUrl, UPSERT, { studies: [] }, await auth.headers(claims));
        expect(res.status).toBe(403);
        expect(res.errors?.[0]?.message).toMatch(/only archives of region LDS/);
      }
    });
  });

  it('answers health and readiness', async () => {
    const base = region.url.replace('/graphql', '');
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${base}/readyz`)).json()).toEqual({ status: 'ready', region: 'LDS', membership: { epoch: expect.any(String), seq: expect.any(Number) } });
  });
});
