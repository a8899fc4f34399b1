import type { IncomingMessage } from 'node:http';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { prepareFanOutOperation } from '../../gateway/fanout/prepareFanOutOperation';
import { REGION_SDL, regionSubgraphSchema } from '../../lib/contract';
import { createCompiledExecutor } from '../../subgraphs/region/createCompiledExecutor';
import { createResolvers } from '../../subgraphs/region/createResolvers';
import type { RunningRegion } from '../../subgraphs/region/server';
import { startTestRegion } from '../support/startTestRegion';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { postGraphQL } from '../support/postGraphQL';
import { studyInput, testNhsNumber, UPSERT } from '../support/studyInputs';
import { createTestAuth, type TestAuth } from '../support/testAuth';

const STUDY_FIELDS = `studyInstanceUid accessionNumber studyDate studyTime modalities description bodyPartExamined
  referringPhysicianName numberOfStudyRelatedSeries numberOfStudyRelatedInstances instanceAvailability status nhsNumber
  localPatientId { value issuer } performingOrganisation { odsCode name } region { code name }
  retrieve { wadoRsUrl viewerUrl } locations { region { code } retrieve { wadoRsUrl } } series { seriesInstanceUid seriesNumber modality numberOfSeriesRelatedInstances }`;

/** The region's side of the contract's operations, as the gateway's planner fetches them (then prepared for fan-out). */
const FETCHES: ReadonlyArray<{ name: string; query: string }> = [
  { name: 'full history', query: `query FullHistory__region__0($nhs: String!) { patient(nhsNumber: $nhs) { nhsNumber imagingHistory { complete sources { region { code name } status studyCount } studies { ${STUDY_FIELDS} } } } }` },
  { name: 'recent by modality', query: `query Recent__region__0($nhs: String!, $filter: StudyFilter) { patient(nhsNumber: $nhs) { nhsNumber imagingHistory(first: 20, filter: $filter) { complete studies { studyInstanceUid studyDate modalities description region { code } retrieve { wadoRsUrl viewerUrl } } } } }` },
  { name: 'patients as entities', query: `query E__region__1($representations: [_Any!]!) { _entities(representations: $representations) { ... on Patient { __typename nhsNumber imagingHistory { studies { studyInstanceUid studyDate } } } } }` },
  { name: 'studies as entities', query: `query S__region__1($representations: [_Any!]!) { _entities(representations: $representations) { ... on Study { __typename studyInstanceUid description series { seriesInstanceUid } } } }` },
  { name: 'one study', query: `query One__region__0($uid: String!) { study(studyInstanceUid: $uid) { ${STUDY_FIELDS} } }` },
  { name: 'activity', query: `query A__region__0($filter: ActivityFilter) { studyActivity(filter: $filter, groupBy: [MODALITY, MONTH]) { buckets { key modality month studyCount suppressed } complete sources { region { code } status } } }` },
];

describe('compiled execution answers exactly as Apollo Server does', () => {
  let db: TestDatabase;
  let auth: TestAuth;
  let compiled: RunningRegion;
  let apollo: RunningRegion;
  const alice = testNhsNumber(1);
  const bob = testNhsNumber(2);
  const uid = (n: string) => `1.2.826.0.1.3680043.10.999.${n}`;

  /** Status, content type and the exact bytes of the body, as the gateway receives them. */
  const raw = async (url: string, body: string, headers: Record<string, string> = {}) => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json', ...headers, ...auth.sign('LDS')(body) }, body });
    return { status: res.status, contentType: res.headers.get('content-type'), body: await res.text() };
  };
  const both = async (body: string, headers: Record<string, string> = {}) => {
    const [a, b] = [await raw(compiled.url, body, headers), await raw(apollo.url, body, headers)];
    return { compiled: a, apollo: b };
  };

  beforeAll(async () => {
    db = await createTestDatabase('region', 'compiled');
    auth = await createTestAuth();
    const start = (compiledExecution: boolean) => startTestRegion(db.pool, auth, { cacheTtlSeconds: 0, compiledExecution });
    compiled = await start(true);
    apollo = await start(false);
    const archive = await auth.headers({ role: 'ARCHIVE', region: 'LDS', org: 'RXX' });
    const seeded = await postGraphQL(compiled.ingestUrl, UPSERT, {
      studies: [
        studyInput('1', alice, { studyDate: '2020-01-05', modalities: ['CR'] }),
        studyInput('2', alice, { studyDate: '2023-06-10', modalities: ['CT'] }),
        studyInput('3', alice, { studyDate: '2023-06-10', studyTime: '18:00:00', modalities: ['MR'], wadoRsUrl: null }),
        studyInput('4', bob, { studyDate: '2019-11-11', modalities: ['US', 'CT'], description: 'quote " and \\ and é and \u2028' }),
      ],
    }, archive);
    expect(seeded.errors).toBeUndefined();
  });

  afterAll(async () => {
    await compiled.stop();
    await apollo.stop();
    await db.drop();
  });

  const variants: Array<[string, Record<string, unknown>]> = [
    ['full history', { nhs: alice }],
    ['full history', { nhs: `${alice.slice(0, 3)} ${alice.slice(3, 6)} ${alice.slice(6)}` }],
    ['full history', { nhs: testNhsNumber(9) }],
    ['recent by modality', { nhs: alice, filter: { modalities: ['CT', 'MR'] } }],
    ['recent by modality', { nhs: bob, filter: { from: '2019-01-01', to: '2020-01-01' } }],
    ['recent by modality', { nhs: alice, filter: { regions: ['LON'] } }],
    ['recent by modality', { nhs: alice, filter: { includeEnteredInError: true, includeNotInArchive: true } }],
    ['patients as entities', { representations: [{ __typename: 'Patient', nhsNumber: alice }, { __typename: 'Patient', nhsNumber: bob }, { __typename: 'Patient', nhsNumber: testNhsNumber(9) }] }],
    ['studies as entities', { representations: [{ __typename: 'Study', studyInstanceUid: uid('2') }, { __typename: 'Study', studyInstanceUid: uid('77') }, { __typename: 'Study', studyInstanceUid: 'not a uid' }] }],
    ['one study', { uid: uid('4') }],
    ['one study', { uid: uid('404') }],
    ['activity', { filter: { modalities: ['CT'] } }],
    ['activity', { filter: { regions: ['LON'] } }],
    // Errors: answered by Apollo Server on both (the compiled path steps aside).
    ['full history', { nhs: '9434765918' }],
    ['recent by modality', { nhs: alice, filter: { from: '2023-02-30' } }],
    ['full history', {}],
    ['one study', { uid: 'x' }],
  ];

  it.each(variants)('%s with %j: same status, content type and bytes', async (name, variables) => {
    const fetch = FETCHES.find((f) => f.name === name)!;
    const prepared = prepareFanOutOperation(fetch.query, regionSubgraphSchema());
    if (prepared.kind !== 'query') throw new Error(`not preparable: ${name}`);
    const body = JSON.stringify({ query: prepared.query, variables, operationName: null });
    const { compiled: c, apollo: a } = await both(body);
    expect(c).toEqual(a);
  });

  it.each([
    ['introspection', JSON.stringify({ query: '{ __schema { types { name } } }' })],
    ['an unknown field', JSON.stringify({ query: '{ patient(nhsNumber: "9434765919") { shoeSize } }' })],
    ['a mutation', JSON.stringify({ query: 'mutation { upsertStudies(studies: []) { accepted } }' })],
    ['a missing operation name', JSON.stringify({ query: 'query A { _service { sdl } } query B { _service { sdl } }' })],
    ['the wrong operation name', JSON.stringify({ query: 'query A { _service { sdl } }', operationName: 'B' })],
    ['unparseable GraphQL', JSON.stringify({ query: '{ patient(' })],
    ['variables of the wrong type', JSON.stringify({ query: 'query($n: String!) { patient(nhsNumber: $n) { nhsNumber } }', variables: { n: 12 } })],
    ['extensions (persisted query)', JSON.stringify({ query: '{ _service { sdl } }', extensions: { persistedQuery: { version: 1, sha256Hash: 'x' } } })],
    ['the service SDL', JSON.stringify({ query: '{ _service { sdl } }' })],
    ['__typename only', JSON.stringify({ query: '{ __typename }' })],
  ])('%s: the same answer on both paths', async (_, body) => {
    const { compiled: c, apollo: a } = await both(body);
    expect(c).toEqual(a);
  });

  it('answers another accept header the way Apollo Server does', async () => {
    const body = JSON.stringify({ query: '{ _service { sdl } }' });
    const { compiled: c, apollo: a } = await both(body, { accept: 'application/graphql-response+json' });
    expect(c).toEqual(a);
  });

  it('compiles every one of the contract fetches (they do not all fall back to Apollo Server)', async () => {
    const schema = buildSubgraphSchema([{ typeDefs: parse(REGION_SDL), resolvers: createResolvers() as never }]);
    const execute = createCompiledExecutor({ schema, extensions: () => ({}) });
    const req = { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' } } as unknown as IncomingMessage;
    const context = async () => ({ loaders: { history: { load: async () => [] }, study: { load: async () => null }, series: { load: async () => [] } }, pool: db.pool, region: { code: 'LDS', name: 'West Yorkshire' }, startedAt: Date.now() });
    for (const fetch of FETCHES.filter((f) => f.name !== 'activity')) {
      const prepared = prepareFanOutOperation(fetch.query, regionSubgraphSchema());
      if (prepared.kind !== 'query') throw new Error(`not preparable: ${fetch.name}`);
      const variables = { nhs: alice, uid: uid('2'), representations: [{ __typename: fetch.name.startsWith('studies') ? 'Study' : 'Patient', nhsNumber: alice, studyInstanceUid: uid('2') }] };
      expect([fetch.name, await execute(req, { query: prepared.query, variables }, context)]).not.toEqual([fetch.name, null]);
    }
  });
});
