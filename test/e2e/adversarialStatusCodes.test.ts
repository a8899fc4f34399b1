import { startTopology, type Topology } from '../support/startTopology';
import { studyInput, testNhsNumber } from '../support/studyInputs';

const GRAPHQL_RESPONSE = 'application/graphql-response+json';

/** P6: a malformed or unanswerable request gets the GraphQL-over-HTTP status for the media type asked for, never a 500. */
describe('a broken client sends requests the gateway cannot execute', () => {
  let topology: Topology;
  const patient = testNhsNumber(9301);

  beforeAll(async () => {
    topology = await startTopology({ regions: [{ code: 'LDS', name: 'West Yorkshire', studies: [studyInput('93.1', patient)] }], gatewayEnv: { LOCATOR: 'off' } });
  });
  afterAll(async () => topology.stop());

  const send = async (body: unknown, accept: string, role: 'CLINICIAN' | 'ANALYST' = 'CLINICIAN') => {
    const auth = await topology.auth.headers(role === 'CLINICIAN' ? { role, purposeOfUse: 'DIRECT_CARE' } : { role });
    const res = await fetch(topology.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json', accept, ...auth }, body: JSON.stringify(body) });
    return { status: res.status, type: res.headers.get('content-type') ?? '', body: (await res.json()) as { data?: unknown; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> } };
  };

  const requestErrors: Array<[string, unknown]> = [
    ['a syntax error', { query: '{' }],
    ['an unknown operationName', { query: 'query A { __typename }', operationName: 'B' }],
    ['a missing operationName for a document with two operations', { query: 'query A { __typename } query B { __typename }' }],
    ['an empty operationName', { query: 'query A { __typename } query B { __typename }', operationName: '' }],
    ['a subscription', { query: 'subscription { __typename }' }],
    ['an unknown field', { query: '{ nothingHere }' }],
  ];

  it.each(requestErrors)(`%s is a 4xx under ${GRAPHQL_RESPONSE}, with errors and no data`, async (_label, body) => {
    const res = await send(body, GRAPHQL_RESPONSE);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.body.errors?.length).toBeGreaterThan(0);
    expect(res.body.data).toBeUndefined();
  });

  it.each(requestErrors)('%s is a 4xx under */*', async (_label, body) => {
    const res = await send(body, '*/*');
    expect(res.status).toBe(400);
  });

  it.each(requestErrors)('%s is a 200 with errors under application/json', async (_label, body) => {
    const res = await send(body, 'application/json');
    expect(res.status).toBe(200);
    expect(res.type).toContain('application/json');
    expect(res.body.errors?.length).toBeGreaterThan(0);
  });

  it.each([
    ['an invalid filter date', { from: 'yesterday' }, 'filter'],
    ['a malformed modality', { modalities: ['C T!'] }, 'filter'],
    ['first: 0', null, 'first'],
  ])('%s is a BAD_USER_INPUT before any region is called', async (_label, filter, argument) => {
    const query = `query($nhs: String!, $f: StudyFilter, $first: Int) { patient(nhsNumber: $nhs) { imagingHistory(filter: $f, first: $first) { complete } } }`;
    const res = await send({ query, variables: { nhs: patient, f: filter, first: argument === 'first' ? 0 : 20 } }, GRAPHQL_RESPONSE);
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument });
  });

  it('an unknown enum value is refused without suggesting the real ones', async () => {
    const res = await send({ query: '{ studyActivity(groupBy: [REGIO]) { complete } }' }, GRAPHQL_RESPONSE, 'ANALYST');
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).not.toMatch(/Did you mean/);
  });

  it('a refusal decided before execution is 403 under either media type (one model: refusals are HTTP statuses)', async () => {
    const query = `{ patient(nhsNumber: "${patient}") { nhsNumber } }`;
    expect((await send({ query }, GRAPHQL_RESPONSE, 'ANALYST')).status).toBe(403);
    expect((await send({ query }, 'application/json', 'ANALYST')).status).toBe(403);
  });
});
