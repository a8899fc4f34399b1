import { Pool } from 'pg';
import { startTopology, type Topology } from '../support/startTopology';
import { studyInput, testNhsNumber } from '../support/studyInputs';
import { postGraphQL } from '../support/postGraphQL';

const patient = testNhsNumber(200);
const HISTORY = `query History($nhs: String!) { patient(nhsNumber: $nhs) { nhsNumber imagingHistory { complete studies { studyInstanceUid } } } }`;
const ACTIVITY = `query Activity($by: [ActivityDimension!]!) {
  studyActivity(filter: { from: "2023-01-01", to: "2023-12-31" }, groupBy: $by) {
    complete
    buckets { key region { code } modality month studyCount suppressed }
  }
}`;
const AUDIT = `query($nhs: String, $user: String) { auditEvents(nhsNumber: $nhs, userId: $user) { userId role organisation purposeOfUse nhsNumbers operationName regions { code status studyCount } outcome } }`;

/** Studies in 2023: LDS has CT x3, MR x4, US x6; LON has CT x2. */
function studies(region: string, counts: Record<string, number>) {
  let n = 0;
  return Object.entries(counts).flatMap(([modality, count]) =>
    Array.from({ length: count }, () => {
      n++;
      return studyInput(`${region === 'LDS' ? 6 : 7}${n}`, patient, { studyDate: `2023-0${(n % 9) + 1}-15`, modalities: [modality] });
    }),
  );
}

describe('information governance at the national gateway', () => {
  let topology: Topology;
  let national: Pool;
  const as = async (claims: Parameters<Topology['auth']['headers']>[0]) => topology.auth.headers(claims);
  const regionCalls = async (): Promise<number> => {
    const text = await (await fetch(`${topology.baseUrl}/metrics`)).text();
    return [...text.matchAll(/^gateway_region_requests_total\{[^}]*\} (\d+)$/gm)].reduce((n, m) => n + Number(m[1]), 0);
  };

  beforeAll(async () => {
    topology = await startTopology({
      gatewayEnv: { MAX_DEPTH: '5', MAX_COST: '400', RATE_LIMIT_PER_MINUTE: '100' },
      regions: [
        { code: 'LDS', name: 'West Yorkshire', studies: studies('LDS', { CT: 3, MR: 4, US: 6 }) },
        { code: 'LON', name: 'North Central London', studies: studies('LON', { CT: 2 }) },
      ],
    });
    national = new Pool({ connectionString: topology.nationalDatabaseUrl, max: 1 });
  }, 120_000);

  afterAll(async () => {
    await national?.end();
    await topology?.stop();
  });

  describe('authentication', () => {
    it.each([
      ['no token', async () => ({}), 'a bearer token is required'],
      ['a malformed header', async () => ({ authorization: 'Basic dXNlcjpwYXNz' }), 'Authorization header must be "Bearer <JWT>"'],
      ['an expired token', async () => as({ role: 'CLINICIAN', purposeOfUse: 'DIRECT_CARE', ttlSeconds: -120 }), 'token has expired'],
      ['a wrong issuer', async () => as({ role: 'CLINICIAN', purposeOfUse: 'DIRECT_CARE', issuer: 'https://evil.example' }), 'token claim "iss" is not acceptable'],
      ['a wrong audience', async () => as({ role: 'CLINICIAN', purposeOfUse: 'DIRECT_CARE', audience: 'another-service' }), 'token claim "aud" is not acceptable'],
      ['a forged signature', async () => {
        const real = await topology.auth.token({ role: 'CLINICIAN', purposeOfUse: 'DIRECT_CARE' });
        const [h, , s] = real.split('.');
        const payload = Buffer.from(JSON.stringify({ sub: 'mallory', role: 'ADMIN', iss: 'https://demo-idp.imaging-index.invalid', aud: 'national-imaging-index', exp: 4_000_000_000 })).toString('base64url');
        return { authorization: `Bearer ${h}.${payload}.${s}` };
      }, 'token signature is not valid'],
      ['an unknown role', async () => as({ role: 'JANITOR' as never }), 'token has no recognised role claim'],
    ])('refuses %s with UNAUTHENTICATED before any region is called', async (_label, headers, message) => {
      const before = await regionCalls();
      const res = await topology.query(HISTORY, { nhs: patient }, await headers());
      expect(res.status).toBe(401);
      expect(res.errors).toEqual([{ message, extensions: { code: 'UNAUTHENTICATED' } }]);
      expect(await regionCalls()).toBe(before);
    });

    it('refuses introspection to anonymous callers and allows it to authenticated ones', async () => {
      const q = '{ __schema { queryType { name } } }';
      expect((await topology.query(q, {}, {})).status).toBe(401);
      const res = await topology.query(q, {}, await as({ role: 'ANALYST' }));
      expect(res.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    });
  });

  describe('authorisation by role, before fan-out', () => {
    const cases: Array<[string, Parameters<Topology['auth']['headers']>[0], string, Record<string, unknown>, string | null]> = [
      ['a clinician stating direct care reads a history', { role: 'CLINICIAN', purposeOfUse: 'DIRECT_CARE' }, HISTORY, { nhs: patient }, null],
      ['a clinician without a purpose of use', { role: 'CLINICIAN' }, HISTORY, { nhs: patient }, 'Access to Query.patient is denied: it needs a stated purpose of use of DIRECT_CARE'],
      ['a clinician asking for statistics', { role: 'CLINICIAN', purposeOfUse: 'DIRECT_CARE' }, ACTIVITY, { by: ['MODALITY'] }, 'Access to Query.studyActivity is denied: it needs role ANALYST or ADMIN, and the caller is CLINICIAN'],
      ['an analyst asking for a patient', { role: 'ANALYST' }, HISTORY, { nhs: patient }, 'Access to Query.patient is denied: it needs role CLINICIAN, and the caller is ANALYST'],
      ['an analyst reads statistics', { role: 'ANALYST' }, ACTIVITY, { by: ['MODALITY'] }, null],
      ['an analyst asking for the audit trail', { role: 'ANALYST' }, AUDIT, {}, 'Access to Query.auditEvents is denied: it needs role ADMIN, and the caller is ANALYST'],
      ['an archive asking for a patient', { role: 'ARCHIVE', region: 'LDS' }, HISTORY, { nhs: patient }, 'Access to Query.patient is denied: it needs role CLINICIAN, and the caller is ARCHIVE'],
      ['an archive lists regions', { role: 'ARCHIVE', region: 'LDS' }, '{ regions { code } }', {}, null],
      ['an administrator asking for a patient', { role: 'ADMIN', purposeOfUse: 'DIRECT_CARE' }, HISTORY, { nhs: patient }, 'Access to Query.patient is denied: it needs role CLINICIAN, and the caller is ADMIN'],
      ['an administrator reads the audit trail', { role: 'ADMIN' }, AUDIT, { nhs: patient }, null],
    ];

    it.each(cases)('%s', async (_label, claims, query, variables, denial) => {
      const before = await regionCalls();
      const res = await topology.query(query, variables, await as(claims));
      if (denial === null) {
        expect(res.errors).toBeUndefined();
        expect(res.data).toBeTruthy();
        return;
      }
      expect(res.status).toBe(403);
      expect(res.data).toBeUndefined();
      expect(res.errors?.[0]).toMatchObject({ message: expect.stringContaining(denial), extensions: { code: 'FORBIDDEN', field: expect.any(String) } });
      expect(await regionCalls()).toBe(before);
    });

    it('names every denied field, and calls no region for any of them', async () => {
      const before = await regionCalls();
      const res = await topology.query(
        `query { studyActivity(groupBy: [REGION]) { complete } patient(nhsNumber: "${patient}") { nhsNumber } study(studyInstanceUid: "1.2.3") { description } auditEvents { userId } }`,
        {},
        await as({ role: 'ANALYST' }),
      );
      expect(res.data ?? null).toBeNull();
      expect(res.errors).toHaveLength(1);
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', field: 'Query.patient', deniedFields: ['Query.patient', 'Query.study', 'Query.auditEvents'] });
      expect(await regionCalls()).toBe(before);
    });
  });

  describe('analyst statistics with small-number suppression (threshold 5)', () => {
    it('sums across regions, then withholds counts below the threshold', async () => {
      const res = await topology.query(ACTIVITY, { by: ['MODALITY'] }, await as({ role: 'ANALYST' }));
      expect(res.errors).toBeUndefined();
      expect(res.data.studyActivity.complete).toBe(true);
      expect(res.data.studyActivity.buckets.map((b: any) => [b.modality, b.studyCount, b.suppressed])).toEqual([
        ['CT', 5, false], // 3 + 2: exactly at the threshold, shown
        ['MR', null, true], // 4: below, withheld
        ['US', 6, false], // 6: above, shown
      ]);
    });

    it('gives no per-region total that would reveal a suppressed count', async () => {
      const res = await topology.query(
        `{ studyActivity(filter: { from: "2023-01-01", to: "2023-12-31", modalities: ["MR"] }, groupBy: [REGION]) { buckets { studyCount suppressed } sources { region { code } studyCount } } }`,
        {},
        await as({ role: 'ANALYST' }),
      );
      expect(res.data.studyActivity.buckets).toEqual([{ studyCount: null, suppressed: true }]);
      expect(res.data.studyActivity.sources.map((s: any) => s.studyCount)).toEqual([null, null]);
    });

    it("refuses the gateway's reserved aliases without blaming (or switching off) any region", async () => {
      const analyst = await as({ role: 'ANALYST' });
      for (let i = 0; i < 4; i++) {
        const res = await topology.query(`{ studyActivity(groupBy: [MODALITY]) { buckets { _fo_key: modality } } }`, {}, analyst);
        expect(res.errors?.[0]?.message).toMatch(/aliases starting with _fo_ are reserved/);
      }
      const regions = await topology.query('{ regions { code circuit } }', {}, topology.adminHeaders);
      expect(regions.data.regions.map((r: any) => r.circuit)).toEqual(['CLOSED', 'CLOSED']);
    });

    it('suppresses per region when grouped by region', async () => {
      const res = await topology.query(ACTIVITY, { by: ['REGION', 'MODALITY'] }, await as({ role: 'ANALYST' }));
      expect(res.data.studyActivity.buckets.map((b: any) => [b.region.code, b.modality, b.studyCount])).toEqual([
        ['LDS', 'CT', null],
        ['LDS', 'MR', null],
        ['LDS', 'US', 6],
        ['LON', 'CT', null],
      ]);
    });
  });

  describe('audit trail', () => {
    it('records who read which patient from which regions, with counts and not data', async () => {
      const clinician = await as({ role: 'CLINICIAN', sub: 'dr-audit', org: 'RR8', purposeOfUse: 'DIRECT_CARE' });
      const res = await topology.query(HISTORY, { nhs: patient }, clinician);
      expect(res.data.patient.imagingHistory.studies).toHaveLength(15);
      const trail = await topology.query(AUDIT, { user: 'dr-audit' }, topology.adminHeaders);
      expect(trail.data.auditEvents).toEqual([
        {
          userId: 'dr-audit',
          role: 'CLINICIAN',
          organisation: 'RR8',
          purposeOfUse: 'DIRECT_CARE',
          nhsNumbers: [patient],
          operationName: 'History',
          regions: [
            { code: 'LDS', status: 'OK', studyCount: 13 },
            { code: 'LON', status: 'OK', studyCount: 2 },
          ],
          outcome: 'OK',
        },
      ]);
    });

    it('checks and audits each request by its own variables, when the same document was allowed before (decisions are cached, arguments are not)', async () => {
      const clinician = await as({ role: 'CLINICIAN', sub: 'dr-same-document', purposeOfUse: 'DIRECT_CARE' });
      const other = testNhsNumber(201);
      expect((await topology.query(HISTORY, { nhs: patient }, clinician)).data.patient.imagingHistory.studies).toHaveLength(15);
      expect((await topology.query(HISTORY, { nhs: other }, clinician)).data.patient.imagingHistory.studies).toHaveLength(0);
      const before = await regionCalls();
      const malformed = await topology.query(HISTORY, { nhs: '9990000019' }, clinician);
      expect(malformed.status).toBe(400);
      expect(malformed.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(await regionCalls()).toBe(before);
      const trail = await topology.query(AUDIT, { user: 'dr-same-document' }, topology.adminHeaders);
      expect(trail.data.auditEvents.map((e: { nhsNumbers: string[]; outcome: string }) => [e.nhsNumbers, e.outcome])).toEqual([
        [[], 'ERROR'],
        [[other], 'OK'],
        [[patient], 'OK'],
      ]);
    });

    it('records a denied attempt on identifiable data', async () => {
      await topology.query(HISTORY, { nhs: patient }, await as({ role: 'CLINICIAN', sub: 'dr-no-purpose' }));
      const trail = await topology.query(AUDIT, { user: 'dr-no-purpose' }, topology.adminHeaders);
      expect(trail.data.auditEvents).toEqual([expect.objectContaining({ outcome: 'DENIED', regions: [], nhsNumbers: [patient] })]);
    });

    it('records a study looked up by UID under its patient, even through a default variable', async () => {
      const clinician = await as({ role: 'CLINICIAN', sub: 'dr-study', purposeOfUse: 'DIRECT_CARE' });
      const uid = '1.2.826.0.1.3680043.10.999.61';
      const res = await topology.query(`query Lookup($u: String = "${uid}") { study(studyInstanceUid: $u) { accessionNumber } }`, {}, clinician);
      expect(res.data.study).not.toBeNull();
      const trail = await topology.query(`{ auditEvents(userId: "dr-study") { nhsNumbers studyUids outcome } }`, {}, topology.adminHeaders);
      expect(trail.data.auditEvents).toEqual([{ nhsNumbers: [patient], studyUids: [uid], outcome: 'OK' }]);
    });

    it("records administrators' reads of the audit trail too", async () => {
      const admin = await as({ role: 'ADMIN', sub: 'auditor-1' });
      await topology.query(AUDIT, { nhs: patient }, admin);
      const trail = await topology.query(AUDIT, { user: 'auditor-1' }, topology.adminHeaders);
      expect(trail.data.auditEvents[0]).toMatchObject({ userId: 'auditor-1', role: 'ADMIN', nhsNumbers: [patient], outcome: 'OK' });
    });

    it('finds events by NHS number', async () => {
      const trail = await topology.query(AUDIT, { nhs: patient }, topology.adminHeaders);
      expect(trail.data.auditEvents.length).toBeGreaterThanOrEqual(2);
      expect(trail.data.auditEvents.every((e: any) => e.nhsNumbers.includes(patient))).toBe(true);
    });

    it('cannot be changed or deleted by the gateway database role', async () => {
      const client = await national.connect();
      try {
        await client.query('SET ROLE imaging_gateway_app');
        await client.query(`INSERT INTO audit_event (user_id, role, outcome, request_id) VALUES ('test', 'ADMIN', 'OK', 'test')`);
        await expect(client.query(`UPDATE audit_event SET outcome = 'OK'`)).rejects.toThrow(/permission denied/);
        await expect(client.query('DELETE FROM audit_event')).rejects.toThrow(/permission denied/);
        await expect(client.query('TRUNCATE audit_event')).rejects.toThrow(/permission denied/);
      } finally {
        await client.query('RESET ROLE');
        client.release();
      }
      // Not even the owner, without first dropping the trigger.
      await expect(national.query('DELETE FROM audit_event')).rejects.toThrow(/append-only/);
    });

    it('withholds the data when the audit record cannot be written (fail closed)', async () => {
      await national.query('REVOKE INSERT ON audit_event FROM imaging_gateway_app');
      try {
        const res = await topology.query(HISTORY, { nhs: patient });
        expect(res.status).toBe(503);
        expect(res.data).toBeNull();
        expect(res.errors).toEqual([{ message: expect.stringMatching(/could not be recorded in the audit trail/), extensions: { code: 'AUDIT_UNAVAILABLE' } }]);
      } finally {
        await national.query('GRANT INSERT ON audit_event TO imaging_gateway_app');
      }
      const again = await topology.query(HISTORY, { nhs: patient });
      expect(again.data.patient.imagingHistory.studies).toHaveLength(15);
    });
  });

  describe('hardening', () => {
    it('rejects a query deeper than the limit', async () => {
      const deep = `query($nhs: String!) { patient(nhsNumber: $nhs) { imagingHistory { studies { locations { region { code } } } } } }`;
      const res = await topology.query(deep, { nhs: patient });
      expect(res.errors?.[0]?.message).toMatch(/Query depth limit of 5 exceeded/);
      expect(res.data).toBeUndefined();
    });

    it('rejects a query that costs too much', async () => {
      const fields = 'studyInstanceUid accessionNumber studyDate studyTime modalities description bodyPartExamined referringPhysicianName';
      const aliases = Array.from({ length: 10 }, (_, i) => `h${i}: imagingHistory { studies { ${fields} series { seriesInstanceUid modality description } } }`).join(' ');
      const res = await topology.query(`query($nhs: String!) { patient(nhsNumber: $nhs) { ${aliases} } }`, { nhs: patient });
      expect(res.errors?.[0]?.message).toMatch(/Query Cost limit of 400 exceeded/);
    });

    it('gives no field suggestions', async () => {
      const res = await topology.query(`query($nhs: String!) { patient(nhsNumber: $nhs) { imagingHistry { complete } } }`, { nhs: patient });
      expect(res.errors?.[0]?.message).toMatch(/Cannot query field "imagingHistry"/);
      expect(res.errors?.[0]?.message).not.toMatch(/Did you mean/);
    });

    it('refuses GET, which would put NHS numbers into URLs and logs', async () => {
      const url = `${topology.gatewayUrl}?query=${encodeURIComponent(`{ patient(nhsNumber: "${patient}") { nhsNumber } }`)}`;
      const res = await fetch(url, { headers: await as({ role: 'CLINICIAN', purposeOfUse: 'DIRECT_CARE' }) });
      expect(res.status).toBe(405);
    });

    it('refuses an oversized request body', async () => {
      const res = await fetch(topology.gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...topology.adminHeaders },
        body: JSON.stringify({ query: `{ regions { code } } #${'x'.repeat(300_000)}` }),
      });
      expect(res.status).toBe(413);
    });

    it('limits each user to their rate', async () => {
      const analyst = await as({ role: 'ANALYST', sub: 'busy-analyst' });
      const statuses: number[] = [];
      for (let i = 0; i < 101; i++) statuses.push((await postGraphQL(topology.gatewayUrl, '{ regions { code } }', {}, analyst)).status);
      expect(statuses.slice(0, 100).every((s) => s === 200)).toBe(true);
      expect(statuses[100]).toBe(429);
      // Another user is unaffected.
      expect((await topology.query('{ regions { code } }', {}, topology.adminHeaders)).status).toBe(200);
    });

    it('masks an internal error: no SQL, no stack, no internal names', async () => {
      await national.query('REVOKE INSERT, UPDATE ON region_registration FROM imaging_gateway_app');
      try {
        const res = await topology.register('LDS', 'West Yorkshire', topology.regions.get('LDS')!.url);
        expect(res.errors).toEqual([{ message: 'Internal error in the national gateway', path: ['registerRegion'], extensions: { code: 'INTERNAL_SERVER_ERROR' } }]);
        expect(JSON.stringify(res)).not.toMatch(/permission|region_registration|INSERT|at .*\.ts/);
      } finally {
        await national.query('GRANT INSERT, UPDATE ON region_registration TO imaging_gateway_app');
      }
    });
  });
});
