import { createHash } from 'node:crypto';
import { Pool } from 'pg';
import { Agent, request } from 'undici';
import { stopChild } from '../../dev/spawnService';
import { postGraphQL } from '../support/postGraphQL';
import { rawHttp } from '../support/rawHttp';
import { startTopology, type Topology } from '../support/startTopology';
import { studyInput, testNhsNumber } from '../support/studyInputs';

const AUDIT_BUDGET_MS = 500;
const HEADERS_TIMEOUT_MS = 1000;
const REQUEST_TIMEOUT_MS = 2000;
const PATIENT = `query($nhs: String!) { patient(nhsNumber: $nhs) { nhsNumber imagingHistory { complete studies { studyInstanceUid } } } }`;

describe('an attacker or a broken client tries the gateway and a region', () => {
  let topology: Topology;
  let national: Pool;
  const patient = testNhsNumber(9201);
  const clinician = { role: 'CLINICIAN', sub: 'dr-adversary', purposeOfUse: 'DIRECT_CARE' } as const;

  beforeAll(async () => {
    topology = await startTopology({
      regions: [{ code: 'LDS', name: 'West Yorkshire', studies: [studyInput('92.1', patient)] }],
      gatewayEnv: {
        LOCATOR: 'off',
        AUDIT_TIMEOUT_MS: String(AUDIT_BUDGET_MS),
        HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
        HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
      },
    });
    national = new Pool({ connectionString: topology.nationalDatabaseUrl, max: 3 });
  });
  afterAll(async () => {
    await national.end();
    await topology.stop();
  });

  const auditRows = async (nhs: string) => (await national.query('SELECT outcome, purpose_source FROM audit_event WHERE nhs_numbers @> ARRAY[$1]::text[] ORDER BY id', [nhs])).rows;
  const post = async (body: unknown, headers: Record<string, string>) => {
    const res = await fetch(topology.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as { data?: any; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> } };
  };
  const requestsByOutcome = async (outcome: string) => {
    const text = await (await fetch(`${topology.baseUrl}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`gateway_graphql_requests_total{outcome="${outcome}"}`));
    return line ? Number(line.split(' ')[1]) : 0;
  };

  describe('P2: holding the audit table locked', () => {
    it('gets a 503 AUDIT_UNAVAILABLE within a few times the audit budget, never a hang, and metrics and readiness say so', async () => {
      const locker = await national.connect();
      const errorsBefore = await requestsByOutcome('error');
      try {
        await locker.query('BEGIN');
        await locker.query('LOCK TABLE audit_event IN ACCESS EXCLUSIVE MODE');
        const started = Date.now();
        const res = await topology.query(PATIENT, { nhs: patient });
        const elapsed = Date.now() - started;
        expect(res.status).toBe(503);
        expect(res.errors?.[0]?.extensions?.code).toBe('AUDIT_UNAVAILABLE');
        expect(res.data ?? null).toBeNull();
        expect(elapsed).toBeLessThan(AUDIT_BUDGET_MS * 10);
        const ready = await fetch(`${topology.baseUrl}/readyz`);
        expect(ready.status).toBe(503);
        expect(await ready.json()).toEqual({ status: 'audit trail cannot be written' });
        expect(await requestsByOutcome('error')).toBe(errorsBefore + 1);
      } finally {
        await locker.query('ROLLBACK');
        locker.release();
      }
      expect((await fetch(`${topology.baseUrl}/readyz`)).status).toBe(200);
    });
  });

  describe('P3: hiding the operation that runs', () => {
    const doc = (nhs: string) => `query A { __typename } query B { patient(nhsNumber: "${nhs}") { nhsNumber } }`;

    it('a clinician running operation A of a document that also reads a patient in B is not recorded as reading that patient', async () => {
      const nhs = testNhsNumber(9202);
      const res = await post({ query: doc(nhs), operationName: 'A' }, await topology.auth.headers(clinician));
      expect(res.status).toBe(200);
      expect(res.body.data).toEqual({ __typename: 'Query' });
      expect(await auditRows(nhs)).toEqual([]);
    });

    it('an analyst is judged on the operation that runs: A is allowed, B is refused', async () => {
      const nhs = testNhsNumber(9203);
      const analyst = await topology.auth.headers({ role: 'ANALYST' });
      expect((await post({ query: doc(nhs), operationName: 'A' }, analyst)).status).toBe(200);
      const b = await post({ query: doc(nhs), operationName: 'B' }, analyst);
      expect(b.status).toBe(403);
      expect(b.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    });
  });

  describe('P4: probing the persisted-query cache', () => {
    it('learns nothing: a hash of a query someone ran and a random hash get the same refusal', async () => {
      const query = `{ patient(nhsNumber: "${patient}") { nhsNumber } }`;
      await post({ query }, await topology.auth.headers(clinician));
      const analyst = await topology.auth.headers({ role: 'ANALYST' });
      const probe = (hash: string) => post({ extensions: { persistedQuery: { version: 1, sha256Hash: hash } } }, analyst);
      const seen = await probe(createHash('sha256').update(query).digest('hex'));
      const unseen = await probe(createHash('sha256').update('never asked').digest('hex'));
      expect(seen.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_SUPPORTED');
      expect([seen.status, seen.body]).toEqual([unseen.status, unseen.body]);
    });
  });

  describe('P5: making a service hold bodies and sockets', () => {
    it("an anonymous 7 MB post to a region's /ingest is refused on its headers, before any of the body is sent", async () => {
      const ingest = topology.regions.get('LDS')!.ingestUrl;
      const head = `POST /ingest HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 7000000\r\n\r\n`;
      const res = await rawHttp(ingest, [head], { patienceMs: 10_000, untilAnswered: true });
      expect(res.status).toBe(401);
    });

    it('an anonymous post to the gateway is refused on its headers, before any of the body is sent', async () => {
      const head = `POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 200000\r\n\r\n`;
      expect((await rawHttp(topology.gatewayUrl, [head], { patienceMs: 10_000, untilAnswered: true })).status).toBe(401);
    });

    it('a client trickling its headers is cut off within a few times the header timeout', async () => {
      const trickle = Array.from({ length: 100 }, (_, i) => `X-Slow-${i}: 1\r\n`);
      const res = await rawHttp(topology.gatewayUrl, ['POST /graphql HTTP/1.1\r\nHost: x\r\n', ...trickle], { gapMs: 200, patienceMs: 19_000 });
      expect(res.ended).toBe('closed');
      expect(res.elapsedMs).toBeLessThan(HEADERS_TIMEOUT_MS * 8);
    });

    it('a client trickling its body is cut off within a few times the request timeout', async () => {
      const { authorization } = await topology.auth.headers(clinician);
      const head = `POST /graphql HTTP/1.1\r\nHost: x\r\nAuthorization: ${authorization}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n`;
      const res = await rawHttp(topology.gatewayUrl, [head, ...Array.from({ length: 200 }, () => ' ')], { gapMs: 100, patienceMs: 19_000 });
      expect(res.ended).toBe('closed');
      expect(res.elapsedMs).toBeLessThan(REQUEST_TIMEOUT_MS * 5);
    });

    it('an oversized chunked body gets 413, not a reset', async () => {
      const { authorization } = await topology.auth.headers(clinician);
      const head = `POST /graphql HTTP/1.1\r\nHost: x\r\nAuthorization: ${authorization}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n`;
      const chunk = 'a'.repeat(64 * 1024);
      const chunks = Array.from({ length: 6 }, () => `${chunk.length.toString(16)}\r\n${chunk}\r\n`);
      const res = await rawHttp(topology.gatewayUrl, [head, ...chunks, '0\r\n\r\n'], { patienceMs: 10_000 });
      expect(res.status).toBe(413);
    });
  });

  describe('P7: stating a purpose of use the identity provider did not', () => {
    it('a token whose purpose_of_use claim is a list cannot fall back to a header saying DIRECT_CARE', async () => {
      const headers = await topology.auth.headers({ role: 'CLINICIAN', extra: { purpose_of_use: ['RESEARCH'] } });
      const res = await topology.query(PATIENT, { nhs: patient }, { ...headers, 'x-purpose-of-use': 'DIRECT_CARE' });
      expect(res.status).toBe(401);
      expect(res.errors?.[0]?.message).toMatch(/purpose_of_use/);
    });

    it('the audit trail records whether the purpose came from the token or from a header', async () => {
      const nhs = testNhsNumber(9204);
      await topology.query(PATIENT, { nhs }, await topology.auth.headers(clinician));
      await topology.query(PATIENT, { nhs }, { ...(await topology.auth.headers({ role: 'CLINICIAN' })), 'x-purpose-of-use': 'DIRECT_CARE' });
      expect((await auditRows(nhs)).map((r) => r.purpose_source)).toEqual(['TOKEN', 'HEADER']);
    });
  });

  describe('P8: token and header tricks', () => {
    it('two Authorization headers are refused', async () => {
      const { authorization } = await topology.auth.headers(clinician);
      const body = JSON.stringify({ query: '{ __typename }' });
      const req =
        `POST /graphql HTTP/1.1\r\nHost: x\r\nAuthorization: ${authorization}\r\nAuthorization: Bearer a.b.c\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
      expect((await rawHttp(topology.gatewayUrl, [req], { patienceMs: 10_000 })).status).toBe(401);
    });

    it('a lowercase bearer scheme is accepted (RFC 7235: the scheme is case-insensitive)', async () => {
      const { authorization } = await topology.auth.headers(clinician);
      const res = await post({ query: '{ __typename }' }, { authorization: authorization!.replace(/^Bearer/, 'bearer') });
      expect(res.status).toBe(200);
    });

    it.each([
      ['an empty sub', { sub: '' }, /sub/],
      ['an iat an hour in the future', { issuedAt: Math.floor(Date.now() / 1000) + 3600 }, /iat/],
      ['a token valid for thirty days', { ttlSeconds: 30 * 24 * 3600 }, /lifetime/],
    ])('a token with %s is refused', async (_label, claims, reason) => {
      const headers = await topology.auth.headers({ ...clinician, ...claims });
      const res = await post({ query: '{ __typename }' }, headers);
      expect(res.status).toBe(401);
      expect(res.body.errors?.[0]?.message).toMatch(reason);
    });

    it('auditEvents(userId: "") is a BAD_USER_INPUT, not every event', async () => {
      const res = await postGraphQL(topology.gatewayUrl, '{ auditEvents(userId: "") { userId } }', {}, topology.adminHeaders);
      expect(res.data?.auditEvents ?? null).toBeNull();
      expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    });
  });

  describe('P9: keeping a stopping gateway busy', () => {
    it('a kept-alive client hammering a gateway, and one holding a request open, cannot stop it from exiting within its drain deadline', async () => {
      const replica = await topology.startGatewayReplica({ DRAIN_TIMEOUT_MS: '1000', HTTP_REQUEST_TIMEOUT_MS: '120000' });
      // A request that will not finish by itself for two minutes: a body sent a byte a second.
      const { authorization } = await topology.auth.headers(clinician);
      const head = `POST /graphql HTTP/1.1\r\nHost: x\r\nAuthorization: ${authorization}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n`;
      const holding = rawHttp(replica.url, [head, ...Array.from({ length: 120 }, () => ' ')], { gapMs: 1000, patienceMs: 60_000 });
      const agent = new Agent({ connections: 1, keepAliveTimeout: 60_000 });
      const headers = { 'content-type': 'application/json', ...(await topology.auth.headers({ role: 'ANALYST', sub: 'hammer' })) };
      let hammering = true;
      const hammer = (async () => {
        while (hammering) {
          try {
            const res = await request(replica.url, { method: 'POST', dispatcher: agent, headers, body: '{"query":"{ __typename }"}' });
            await res.body.text();
          } catch {
            await new Promise((r) => setTimeout(r, 20));
          }
        }
      })();
      try {
        await new Promise((r) => setTimeout(r, 500));
        const started = Date.now();
        const how = await stopChild(replica.process.child, 20_000);
        expect(how).toBe('SIGTERM');
        expect(Date.now() - started).toBeLessThan(15_000);
        expect((await holding).ended).toBe('closed');
      } finally {
        hammering = false;
        await hammer;
        await agent.close();
      }
    });
  });
});
