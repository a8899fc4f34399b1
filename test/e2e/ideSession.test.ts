import { Pool } from 'pg';
import { signInWithFetch } from '../support/signInWithFetch';
import { studyInput, testNhsNumber } from '../support/studyInputs';
import { startSignInTopology, type SignInTopology } from '../support/startSignInTopology';

const PATIENT = testNhsNumber(41);
const SOMEONE_ELSE = testNhsNumber(42);
const MY_HISTORY = 'query Mine { myImagingHistory { complete studies { studyInstanceUid } } }';
const ACTIVITY = 'query { studyActivity(groupBy: [MODALITY]) { buckets { modality studyCount suppressed } } }';

describe("the IDE's sign-in as a backend-for-frontend (real identity provider processes)", () => {
  let topology: SignInTopology;

  beforeAll(async () => {
    topology = await startSignInTopology({
      patientNhsNumber: PATIENT,
      // Shorter than the gateway's refresh margin (60 s): every request refreshes first.
      accessTokenTtlSeconds: 30,
      studies: [
        ...Array.from({ length: 6 }, (_, i) => studyInput(`41.${i}`, PATIENT, { studyDate: `2024-0${i + 1}-10` })),
        studyInput('42.0', SOMEONE_ELSE, { modalities: ['MR'] }),
      ],
    });
  }, 120_000);

  afterAll(async () => {
    await topology?.stop();
  });

  it('signs an analyst in through the provider and answers GraphQL sent with the session cookie and its CSRF token', async () => {
    const session = await topology.signIn('staff', 'demo-analyst');
    expect(session.csrfToken).toEqual(expect.any(String));
    const answer = await topology.query(session, ACTIVITY);
    expect(answer.errors).toBeUndefined();
    expect(answer.data.studyActivity.buckets).toEqual([
      { modality: 'CT', studyCount: 6, suppressed: false },
      { modality: 'MR', studyCount: null, suppressed: true },
    ]);
  });

  it('refuses a request carrying the session cookie without the CSRF token', async () => {
    const session = await topology.signIn('staff', 'demo-analyst');
    const answer = await topology.query(session, ACTIVITY, {}, {});
    expect(answer.status).toBe(401);
    expect(answer.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(answer.errors?.[0]?.message).toMatch(/CSRF/);
  });

  it("refuses another session's CSRF token", async () => {
    const [mine, theirs] = await Promise.all([topology.signIn('staff', 'demo-analyst'), topology.signIn('staff', 'demo-analyst')]);
    const answer = await topology.query(mine, ACTIVITY, {}, { 'x-csrf-token': theirs.csrfToken! });
    expect(answer.status).toBe(401);
  });

  it('keeps the tokens on the server: the browser gets one HttpOnly, SameSite=Strict session cookie for the whole origin', async () => {
    const session = await topology.signIn('staff', 'demo-analyst');
    const fromGateway = session.jar.setCookies.filter((line) => line.startsWith('ide_session='));
    expect(fromGateway).toHaveLength(1);
    const attributes = fromGateway[0]!.split(';').slice(1).map((a) => a.trim());
    expect(attributes).toEqual(expect.arrayContaining(['HttpOnly', 'SameSite=Strict', 'Path=/']));
    // Plain http is allowed on the loopback interface only (tests and the demo); elsewhere the cookie is Secure and __Host-.
    expect(attributes).not.toContain('Secure');
    const value = fromGateway[0]!.split(';')[0]!.split('=')[1]!;
    expect(value.split('.')).toHaveLength(1);
    expect(session.body).not.toContain(value);
  });

  it('lets a bearer token decide when one is sent, whatever cookie comes with it', async () => {
    const session = await topology.signIn('staff', 'demo-analyst');
    const answer = await topology.query(session, ACTIVITY, {}, { 'x-csrf-token': session.csrfToken!, authorization: 'Bearer not.a.token' });
    expect(answer.status).toBe(401);
  });

  it('ends the server session at sign-out: the same cookie and CSRF token are refused afterwards', async () => {
    const session = await topology.signIn('staff', 'demo-analyst');
    const cookie = session.jar.header(topology.gatewayBase);
    const withoutCsrf = await fetch(`${topology.gatewayBase}/ide/auth/logout`, { method: 'POST', headers: { cookie } });
    expect(withoutCsrf.status).toBe(403);
    expect((await topology.query(session, ACTIVITY)).errors).toBeUndefined();
    const signOut = await fetch(`${topology.gatewayBase}/ide/auth/logout`, { method: 'POST', headers: { cookie, 'x-csrf-token': session.csrfToken! } });
    expect(signOut.status).toBe(204);
    expect(signOut.headers.getSetCookie()[0]).toMatch(/^ide_session=;.*Max-Age=0/);
    const after = await topology.query(session, ACTIVITY);
    expect(after.status).toBe(401);
    expect(after.errors?.[0]?.message).toMatch(/session has ended/);
  });

  it('refreshes the access token before it expires, on the server, with the same cookie', async () => {
    const session = await topology.signIn('staff', 'demo-analyst');
    const pool = new Pool({ connectionString: topology.nationalDatabaseUrl, max: 1 });
    const tokens = async () => (await pool.query<{ access_token: string }>('SELECT access_token FROM ide_session ORDER BY created_at DESC LIMIT 1')).rows[0]!.access_token;
    try {
      const before = await tokens();
      const answer = await topology.query(session, ACTIVITY);
      expect(answer.errors).toBeUndefined();
      const after = await tokens();
      expect(after).not.toBe(before);
      expect(session.jar.setCookies.filter((line) => line.startsWith('ide_session='))).toHaveLength(1);
    } finally {
      await pool.end();
    }
  });

  it('keeps the tokens sealed at rest: the table alone holds no readable token', async () => {
    const session = await topology.signIn('staff', 'demo-clinician');
    const pool = new Pool({ connectionString: topology.nationalDatabaseUrl, max: 1 });
    try {
      const { rows } = await pool.query<{ access_token: string; refresh_token: string | null; id_token: string | null }>(
        'SELECT access_token, refresh_token, id_token FROM ide_session ORDER BY created_at DESC LIMIT 1',
      );
      const row = rows[0]!;
      for (const value of [row.access_token, row.refresh_token, row.id_token]) {
        expect(value).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
        // A JWT starts with a base64url JSON header ("eyJ"); nothing of one is left to read.
        expect(value).not.toMatch(/eyJ/);
      }
      // Still usable by the request that carries the cookie.
      expect((await topology.query(session, 'query { __typename }')).errors).toBeUndefined();
    } finally {
      await pool.end();
    }
  });

  it('refreshes once at a time when many requests of one session need it at once, so a rotating provider never sees a refresh token reused', async () => {
    // The demo provider rotates refresh tokens and revokes the grant when a consumed one is
    // used again. Every request here needs a refresh (token TTL below the margin).
    const session = await topology.signIn('staff', 'demo-analyst');
    const pool = new Pool({ connectionString: topology.nationalDatabaseUrl, max: 1 });
    const stored = async () => (await pool.query<{ access_token: string }>('SELECT access_token FROM ide_session ORDER BY created_at DESC LIMIT 1')).rows[0]!.access_token;
    try {
      const answers = await Promise.all(Array.from({ length: 6 }, () => topology.query(session, ACTIVITY)));
      for (const answer of answers) expect(answer.errors).toBeUndefined();
      // Had two refreshes raced, the grant would be revoked now and the next refresh would fail.
      for (let i = 0; i < 2; i += 1) {
        const before = await stored();
        expect((await topology.query(session, ACTIVITY)).errors).toBeUndefined();
        expect(await stored()).not.toBe(before);
      }
    } finally {
      await pool.end();
    }
  });

  it('lets a patient signed in with NHS login read their own history, and audits it with role PATIENT', async () => {
    const session = await topology.signIn('patient', 'demo-patient');
    const answer = await topology.query(session, MY_HISTORY);
    expect(answer.errors).toBeUndefined();
    expect(answer.data.myImagingHistory.complete).toBe(true);
    expect(answer.data.myImagingHistory.studies.map((s: { studyInstanceUid: string }) => s.studyInstanceUid).sort()).toEqual(
      Array.from({ length: 6 }, (_, i) => `1.2.826.0.1.3680043.10.999.41.${i}`),
    );
    const pool = new Pool({ connectionString: topology.nationalDatabaseUrl, max: 1 });
    try {
      const { rows } = await pool.query<{ role: string; purpose_of_use: string; nhs_numbers: string[] }>(
        "SELECT role, purpose_of_use, nhs_numbers FROM audit_event WHERE operation_name = 'Mine' ORDER BY id DESC LIMIT 1",
      );
      expect(rows).toEqual([{ role: 'PATIENT', purpose_of_use: 'PATIENT_ACCESS', nhs_numbers: [PATIENT] }]);
    } finally {
      await pool.end();
    }
  });

  it("never lets a patient name another patient: myImagingHistory takes no NHS number and every other way in is refused", async () => {
    const session = await topology.signIn('patient', 'demo-patient');
    const named = await topology.query(session, `query { myImagingHistory(nhsNumber: "${SOMEONE_ELSE}") { studies { studyInstanceUid } } }`);
    expect(named.status).toBe(400);
    expect(named.data ?? null).toBeNull();
    const viaVariables = await topology.query(session, MY_HISTORY, { __patientNhsNumber: SOMEONE_ELSE });
    expect(viaVariables.data.myImagingHistory.studies).toHaveLength(6);
    for (const query of [
      `query { patient(nhsNumber: "${SOMEONE_ELSE}") { imagingHistory { studies { studyInstanceUid } } } }`,
      'query { study(studyInstanceUid: "1.2.826.0.1.3680043.10.999.42.0") { studyInstanceUid } }',
      'query { studyActivity(groupBy: [MODALITY]) { buckets { studyCount } } }',
      'query { regions { code } }',
      `query { auditEvents(nhsNumber: "${PATIENT}") { userId } }`,
    ]) {
      const refused = await topology.query(session, query);
      expect({ query, code: refused.errors?.[0]?.extensions?.code, data: refused.data ?? null }).toEqual({ query, code: 'FORBIDDEN', data: null });
    }
  });

  it('refuses a callback arriving in a browser other than the one that started the sign-in', async () => {
    const stolen = await signInWithFetch(topology.gatewayBase, 'staff', 'demo-analyst', { otherBrowser: true });
    expect(stolen.status).toBe(400);
    expect(stolen.csrfToken).toBeNull();
    expect(stolen.body).toContain('not started in this browser');
  });

  it('refuses patients below identity proofing level P9 at sign-in', async () => {
    const attempt = await topology.signIn('patient', 'demo-patient-p5');
    expect(attempt.status).toBe(403);
    expect(attempt.csrfToken).toBeNull();
    expect(attempt.body).toContain('identity proofing level P9');
  });

  it('refuses myImagingHistory to staff, whatever their role', async () => {
    const session = await topology.signIn('staff', 'demo-clinician');
    const answer = await topology.query(session, MY_HISTORY);
    expect(answer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
