import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { MockAgent } from 'undici';
import { AuditCollector } from '../../gateway/audit/AuditCollector';
import { CircuitBreaker } from '../../gateway/CircuitBreaker';
import { FanOutDataSource } from '../../gateway/fanout/FanOutDataSource';
import { createGatewayMetrics } from '../../gateway/observability/createGatewayMetrics';
import type { RegionEndpoint } from '../../gateway/registry/RegionRegistry';
import { regionSubgraphSchema } from '../../lib/contract';
import { createLogger } from '../../lib/logger';

const HISTORY = `query($nhs: String!, $f: StudyFilter) { patient(nhsNumber: $nhs) { imagingHistory(filter: $f) { complete sources { region { code } status studyCount } studies { studyInstanceUid } } } }`;

function region(code: string, timeoutMs: number | null = null): RegionEndpoint {
  return { code, name: `Region ${code}`, url: `http://${code.toLowerCase()}.test/graphql`, timeoutMs, registeredAt: '2026-01-01T00:00:00.000Z', breaker: new CircuitBreaker({ failureThreshold: 2, openMs: 60_000 }), contractVersion: 2 };
}

/** A region's answer to HISTORY with the given study UIDs (hidden merge fields included). */
function history(code: string, uids: string[]) {
  const studies = uids.map((u, i) => ({ studyInstanceUid: u, _fo_uid: u, _fo_date: `2024-01-0${i + 1}`, _fo_time: null, _fo_nhs: '9990000018' }));
  return { data: { patient: { imagingHistory: { complete: true, sources: [{ region: { code }, status: 'OK', studyCount: uids.length }], _fo_src: [{ _fo_count: uids.length }], studies } } } };
}

describe('FanOutDataSource', () => {
  let agent: MockAgent;
  let regions: RegionEndpoint[];
  let metrics: ReturnType<typeof createGatewayMetrics>;
  let source: FanOutDataSource;
  const intercept = (code: string) => agent.get(`http://${code.toLowerCase()}.test`).intercept({ path: '/graphql', method: 'POST' });

  beforeEach(() => {
    agent = new MockAgent();
    agent.disableNetConnect();
    regions = [region('LDS'), region('LON', 100)];
    metrics = createGatewayMetrics();
    source = new FanOutDataSource({ registry: { list: () => regions }, schema: regionSubgraphSchema(), logger: createLogger('test', 'silent'), metrics, dispatcher: agent });
  });
  afterEach(async () => {
    await source.close();
  });

  async function run(variables: Record<string, unknown> = { nhs: '9990000018' }, query = HISTORY, audit = new AuditCollector()) {
    const result = await source.process({ request: { query, variables }, context: { audit } } as unknown as GraphQLDataSourceProcessOptions<Record<string, unknown>>);
    return { result: result as { data?: any; errors?: any[] }, audit };
  }
  const lon = () => regions[1]!;

  it('merges both regions and reports what each returned to the audit trail', async () => {
    intercept('LDS').reply(200, history('LDS', ['1.1']));
    intercept('LON').reply(200, history('LON', ['2.1', '2.2']));
    const { result, audit } = await run();
    expect(result.errors).toBeUndefined();
    expect(result.data.patient.imagingHistory.complete).toBe(true);
    expect(result.data.patient.imagingHistory.studies).toHaveLength(3);
    expect(audit.regionList()).toEqual([
      { code: 'LDS', status: 'OK', studyCount: 1 },
      { code: 'LON', status: 'OK', studyCount: 2 },
    ]);
    expect([...audit.nhsNumbers]).toEqual(['9990000018']);
  });

  it('treats HTTP 500 with a GraphQL error body as the region being unavailable, and opens its breaker', async () => {
    intercept('LDS').reply(200, history('LDS', ['1.1'])).times(3);
    intercept('LON').reply(500, { errors: [{ message: 'relation "study" does not exist', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] }).times(2);
    const { result, audit } = await run();
    expect(result.data.patient.imagingHistory.complete).toBe(false);
    expect(result.data.patient.imagingHistory.sources.map((s: any) => [s.region.code, s.status])).toEqual([
      ['LDS', 'OK'],
      ['LON', 'UNAVAILABLE'],
    ]);
    expect(result.errors).toEqual([{ message: 'Region LON (Region LON) is unavailable: it reported an internal error', extensions: { code: 'REGION_UNAVAILABLE', region: 'LON' } }]);
    expect(JSON.stringify(result.errors)).not.toMatch(/relation/);
    expect(audit.regionList()[1]).toEqual({ code: 'LON', status: 'UNAVAILABLE', studyCount: null });
    await run();
    expect(lon().breaker.isOpen).toBe(true);
    const third = await run(); // skipped: no interceptor is left for LON, so a call would throw
    expect(third.result.errors?.[0]?.message).toMatch(/skipped until it recovers/);
  });

  it('treats HTTP 200 with an internal error as unavailable, even with data', async () => {
    intercept('LDS').reply(200, history('LDS', ['1.1']));
    intercept('LON').reply(200, { ...history('LON', ['2.1']), errors: [{ message: 'boom', path: ['patient'], extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
    const { result } = await run();
    expect(result.data.patient.imagingHistory.studies.map((s: any) => s.studyInstanceUid)).toEqual(['1.1']);
    expect(result.errors).toEqual([expect.objectContaining({ extensions: { code: 'REGION_UNAVAILABLE', region: 'LON' } })]);
  });

  it('does not open the breaker when a region refuses the query as invalid for its schema', async () => {
    intercept('LDS').reply(200, history('LDS', [])).times(3);
    intercept('LON').reply(400, { errors: [{ message: 'Cannot query field "x"', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }] }).times(3);
    for (let i = 0; i < 3; i++) {
      const { result } = await run();
      expect(result.errors?.[0]?.message).toBe('Region LON (Region LON) could not answer this query: it rejected it as invalid for its schema');
    }
    expect(lon().breaker.isOpen).toBe(false);
    expect(lon().breaker.current).toEqual({ kind: 'closed', failures: 0 });
  });

  it("passes a region's BAD_USER_INPUT through and keeps its answer", async () => {
    intercept('LDS').reply(200, history('LDS', ['1.1']));
    intercept('LON').reply(200, { data: { patient: null }, errors: [{ message: 'bad modality', path: ['patient'], extensions: { code: 'BAD_USER_INPUT' } }] });
    const { result, audit } = await run();
    expect(result.errors).toEqual([{ message: 'bad modality', path: ['patient'], extensions: { code: 'BAD_USER_INPUT', region: 'LON' } }]);
    expect(audit.regionList()[1]!.status).toBe('OK');
    expect(lon().breaker.current).toEqual({ kind: 'closed', failures: 0 });
  });

  it('gives up on a region after its own time budget and reports REGION_TIMEOUT', async () => {
    intercept('LDS').reply(200, history('LDS', ['1.1']));
    intercept('LON').reply(200, history('LON', ['2.1'])).delay(1000);
    const started = Date.now();
    const { result, audit } = await run();
    expect(Date.now() - started).toBeLessThan(900);
    expect(result.errors).toEqual([{ message: 'Region LON (Region LON) did not answer within 100 ms', extensions: { code: 'REGION_TIMEOUT', region: 'LON' } }]);
    expect(result.data.patient.imagingHistory.sources[1]).toEqual({ region: { code: 'LON' }, status: 'TIMEOUT', studyCount: null });
    expect(audit.regionList()[1]!.status).toBe('TIMEOUT');
  });

  it('reports a refused connection as unavailable and counts it against the region', async () => {
    intercept('LDS').reply(200, history('LDS', []));
    intercept('LON').replyWithError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }));
    const { result } = await run();
    expect(result.errors?.[0]?.message).toBe('Region LON (Region LON) is unavailable: connection refused');
    expect(lon().breaker.current).toEqual({ kind: 'closed', failures: 1 });
  });

  it('reports an answer that is not GraphQL as unavailable', async () => {
    intercept('LDS').reply(200, history('LDS', []));
    intercept('LON').reply(502, '<html>Bad gateway</html>');
    const { result } = await run();
    expect(result.errors?.[0]?.message).toBe('Region LON (Region LON) is unavailable: it answered HTTP 502 without a GraphQL response');
  });

  it('reports an HTTP error status with a JSON body but no GraphQL errors as unavailable', async () => {
    intercept('LDS').reply(200, history('LDS', []));
    intercept('LON').reply(503, history('LON', ['2.1']));
    const { result } = await run();
    expect(result.errors?.[0]?.message).toBe('Region LON (Region LON) is unavailable: it answered HTTP 503');
    expect(result.data.patient.imagingHistory.studies).toEqual([]);
  });

  it('asks only the regions a history names, and refuses unknown or empty region lists', async () => {
    intercept('LDS').reply(200, history('LDS', ['1.1']));
    const { result } = await run({ nhs: '9990000018', f: { regions: ['lds'] } });
    expect(result.errors).toBeUndefined();
    expect(result.data.patient.imagingHistory.sources).toEqual([{ region: { code: 'LDS' }, status: 'OK', studyCount: 1 }]);
    expect((await run({ nhs: '9990000018', f: { regions: ['XXX'] } })).result.errors?.[0]?.message).toMatch(/unknown region\(s\) XXX; registered regions: LDS, LON/);
    expect((await run({ nhs: '9990000018', f: { regions: [] } })).result.errors?.[0]?.message).toMatch(/filter.regions is empty/);
    regions = [];
    expect((await run()).result.errors).toEqual([{ message: 'No regions are registered with the national gateway', extensions: { code: 'NO_REGIONS' } }]);
  });

  it('marks incomplete only the histories that asked a failed region', async () => {
    const query = `query { only: patient(nhsNumber: "9990000018") { imagingHistory(filter: { regions: ["LDS"] }) { complete } } all: patient(nhsNumber: "9990000018") { imagingHistory { complete } } }`;
    intercept('LDS').reply(200, { data: { only: { imagingHistory: { complete: true } }, all: { imagingHistory: { complete: true } } } });
    intercept('LON').replyWithError(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }));
    const { result } = await run({}, query);
    expect(result.data).toEqual({ only: { imagingHistory: { complete: true } }, all: { imagingHistory: { complete: false } } });
  });

  it('refuses to fan out a mutation', async () => {
    const { result } = await run({}, 'mutation { markEnteredInError(studyInstanceUids: ["1"]) { marked } }');
    expect(result.errors).toEqual([{ message: expect.stringMatching(/only queries are fanned out/), extensions: { code: 'BAD_USER_INPUT' } }]);
  });

  it('exposes open circuits to Prometheus at scrape time', async () => {
    const scraped = createGatewayMetrics(() => regions);
    lon().breaker.onFailure();
    lon().breaker.onFailure();
    const text = await scraped.registry.metrics();
    expect(text).toMatch(/gateway_region_circuit_open\{region="LON"\} 1/);
    expect(text).toMatch(/gateway_region_circuit_open\{region="LDS"\} 0/);
  });
});
