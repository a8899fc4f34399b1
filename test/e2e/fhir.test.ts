import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Pool } from 'pg';
import { ensureDemoKeys, issueDemoToken, type DemoKeys } from '../../dev/demoKeys';
import { encodeStudyId } from '../../gateway/fhir/studyResourceId';
import { fetchFhir, postFhirSearch } from '../support/fetchFhir';
import { expectValidFhir } from '../support/fhirSchema';
import { startTopology, type Topology } from '../support/startTopology';
import { studyInput, testNhsNumber } from '../support/studyInputs';

const patient = testNhsNumber(300); // studies in LDS and LON
const busy = testNhsNumber(301); // five studies in LDS
const gone = testNhsNumber(302); // one study in LDS that its archive no longer holds
const NHS = 'https://fhir.nhs.uk/Id/nhs-number';
const PATIENT_ISSUER = 'https://nhs-login.fhir-test.invalid';
const uid = (suffix: string) => `1.2.826.0.1.3680043.10.999.${suffix}`;
const HISTORY = `query($nhs: String!, $filter: StudyFilter) { patient(nhsNumber: $nhs) { imagingHistory(filter: $filter) {
  studies { studyInstanceUid studyDate studyTime modalities status region { code } retrieve { wadoRsUrl } } } } }`;

/** UIDs (last component) of a Bundle's matches, in order. */
const matchUids = (bundle: any): string[] =>
  (bundle.entry ?? [])
    .filter((e: any) => e.search.mode === 'match')
    .map((e: any) => e.resource.identifier.find((i: any) => i.system === 'urn:dicom:uid').value.split('.').pop());
const outcomes = (bundle: any): any[] => (bundle.entry ?? []).filter((e: any) => e.search.mode === 'outcome').map((e: any) => e.resource);

describe('FHIR R4 ImagingStudy API on the national gateway', () => {
  let topology: Topology;
  let national: Pool;
  const logs: string[] = [];
  const as = (claims: Parameters<Topology['auth']['headers']>[0]) => topology.auth.headers(claims);
  const clinician = (sub: string) => as({ role: 'CLINICIAN', sub, purposeOfUse: 'DIRECT_CARE' });
  const fhir = () => `${topology.baseUrl}/fhir`;
  const search = async (query: string, sub = 'epr-search', headers: Record<string, string> = {}) =>
    fetchFhir(`${fhir()}/ImagingStudy?${query}`, { headers: { ...(await clinician(sub)), ...headers } });
  const byPatient = (nhs: string) => `patient:identifier=${encodeURIComponent(`${NHS}|${nhs}`)}`;
  // NHS login stand-in: its own key pair and issuer, separate from the staff issuer.
  let patientKeys: DemoKeys;
  const patientHeaders = async (sub: string, nhsNumber = patient) => ({
    authorization: `Bearer ${await issueDemoToken(patientKeys.privateJwk, { role: 'PATIENT', sub, issuer: PATIENT_ISSUER, extra: { nhs_number: nhsNumber, identity_proofing_level: 'P9' } })}`,
  });

  beforeAll(async () => {
    patientKeys = await ensureDemoKeys(fs.mkdtempSync(path.join(os.tmpdir(), 'fhir-patient-keys-')));
    topology = await startTopology({
      regionTimeoutMs: 1000,
      gatewayEnv: { LOG_LEVEL: 'debug', RATE_LIMIT_PER_MINUTE: '60', PATIENT_JWT_ISSUER: PATIENT_ISSUER, PATIENT_JWKS_FILE: patientKeys.jwksFile },
      onGatewayLog: (line) => logs.push(line),
      regions: [
        {
          code: 'LDS',
          name: 'West Yorkshire',
          studies: [
            studyInput('401', patient, { studyDate: '2024-07-01', studyTime: '10:15:00', modalities: ['MR'], description: 'MR KNEE' }),
            studyInput('402', patient, { studyDate: '2024-03-01', studyTime: '10:15:00', modalities: ['CT'] }),
            studyInput('403', patient, { studyDate: '2023-01-10', studyTime: null, modalities: ['CR'] }),
            studyInput('404', patient, { studyDate: '2022-05-05', modalities: ['CT'], status: 'ENTERED_IN_ERROR' }),
            studyInput('409', patient, { studyDate: '2021-06-06', modalities: ['US'] }),
            ...[1, 2, 3, 4, 5].map((n) => studyInput(`41${n}`, busy, { studyDate: `2020-01-0${n}` })),
            studyInput('420', gone, { studyDate: '2019-02-02' }),
          ],
        },
        {
          code: 'LON',
          name: 'North Central London',
          studies: [
            studyInput('405', patient, { studyDate: '2024-07-01', studyTime: '09:00:00', modalities: ['CT'] }),
            // Shared with Leeds: one entry.
            studyInput('409', patient, { studyDate: '2021-06-06', modalities: ['US'] }),
          ],
        },
      ],
    });
    national = new Pool({ connectionString: topology.nationalDatabaseUrl, max: 1 });
  }, 120_000);

  afterAll(async () => {
    await national?.end();
    await topology?.stop();
  });

  describe('search', () => {
    it("finds a patient's studies by NHS number with GET, the same studies in the same order as the GraphQL history", async () => {
      const res = await search(byPatient(patient));
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: 5 });
      expect(res.body.link).toEqual([{ relation: 'self', url: expect.stringMatching(/\/fhir\/ImagingStudy\?patient%3Aidentifier=/) }]);
      const graphql = await topology.query(HISTORY, { nhs: patient });
      const expected = graphql.data.patient.imagingHistory.studies.map((s: any) => s.studyInstanceUid.split('.').pop());
      expect(expected).toEqual(['401', '405', '402', '403', '409']);
      expect(matchUids(res.body)).toEqual(expected);
      expect(outcomes(res.body)).toEqual([]);
    });

    it('maps a study to ImagingStudy: identifiers, London start time with offset, DCM modality, WADO-RS endpoint, performer, region', async () => {
      const res = await search(byPatient(patient));
      const entry = res.body.entry.find((e: any) => e.resource.identifier[0].value === `urn:oid:${uid('401')}`);
      expect(entry.fullUrl).toBe(`${fhir()}/ImagingStudy/${entry.resource.id}`);
      expect(entry.resource).toEqual({
        resourceType: 'ImagingStudy',
        id: encodeStudyId(uid('401')),
        meta: { source: 'urn:nhs-imaging-region:LDS' },
        contained: [
          {
            resourceType: 'Endpoint',
            id: 'wado',
            status: 'active',
            connectionType: { system: 'http://terminology.hl7.org/CodeSystem/endpoint-connection-type', code: 'dicom-wado-rs' },
            payloadType: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/endpoint-payload-type', code: 'any' }] }],
            payloadMimeType: ['application/dicom'],
            address: `https://pacs.lds.example.nhs.uk/dicomweb/studies/${uid('401')}`,
          },
          { resourceType: 'Organization', id: 'performer', identifier: [{ system: 'https://fhir.nhs.uk/Id/ods-organization-code', value: 'RXX01' }], name: 'Test Teaching Hospitals' },
        ],
        identifier: [
          { system: 'urn:dicom:uid', value: `urn:oid:${uid('401')}` },
          { use: 'usual', type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'ACSN' }] }, value: 'ACC401' },
        ],
        status: 'available',
        modality: [{ system: 'http://dicom.nema.org/resources/ontology/DCM', code: 'MR' }],
        subject: { identifier: { system: NHS, value: patient } },
        started: '2024-07-01T10:15:00+01:00', // British Summer Time
        endpoint: [{ reference: '#wado' }],
        numberOfSeries: 1,
        numberOfInstances: 120,
        description: 'MR KNEE',
        series: [
          {
            uid: `${uid('401')}.1`,
            number: 1,
            modality: { system: 'http://dicom.nema.org/resources/ontology/DCM', code: 'CT' },
            description: 'Axial',
            numberOfInstances: 120,
            performer: [{ actor: { reference: '#performer' } }],
          },
        ],
      });
      const started = Object.fromEntries(res.body.entry.map((e: any) => [e.resource.identifier[0].value.split('.').pop(), e.resource.started]));
      expect(started['402']).toBe('2024-03-01T10:15:00+00:00'); // Greenwich Mean Time
      expect(started['403']).toBe('2023-01-10'); // no StudyTime: a date alone
    });

    it('accepts patient.identifier, subject:identifier and POST _search with a form body, with the same result', async () => {
      const headers = await clinician('epr-forms');
      const results = [
        await search(`patient.identifier=${encodeURIComponent(`${NHS}|${patient}`)}`, 'epr-forms'),
        await search(`subject:identifier=${encodeURIComponent(`${NHS}|${patient}`)}`, 'epr-forms'),
        await postFhirSearch(fhir(), { 'patient:identifier': `${NHS}|${patient}` }, headers),
      ];
      for (const res of results) {
        expect(res.status).toBe(200);
        expect(matchUids(res.body)).toEqual(['401', '405', '402', '403', '409']);
      }
    });

    it.each([
      ['gt a date-time: exact, so a study at that very second is not after it', 'started=gt2024-07-01T09:00:00%2B01:00', ['401']],
      ['lt a date-time in UTC', 'started=lt2024-07-01T08:00:01Z', ['405', '402', '403', '409']],
      ['a month, by ge and le', 'started=ge2024-03&started=le2024-03', ['402']],
      ['a day (eq), matching a study with no time', 'started=2023-01-10', ['403']],
      ['a modality without system', 'modality=CT', ['405', '402']],
      ['a modality with the DICOM system', `modality=${encodeURIComponent('http://dicom.nema.org/resources/ontology/DCM|MR')}`, ['401']],
      ['an accession number', 'identifier=ACC402', ['402']],
      ['entered-in-error only when status asks', 'status=entered-in-error', ['404']],
      ['any status asked for', 'status=available,entered-in-error', ['401', '405', '402', '409', '403', '404'].sort()],
    ])('narrows by %s', async (_label, query, expected) => {
      const res = await search(`${byPatient(patient)}&${query}`, 'epr-filters');
      expect(res.status).toBe(200);
      const got = matchUids(res.body);
      expect(query.includes('status=available,') ? [...got].sort() : got).toEqual(expected);
      expect(res.body.total).toBe(expected.length);
    });

    it('finds one study by StudyInstanceUID without naming the patient', async () => {
      const res = await search(`identifier=${encodeURIComponent(`urn:dicom:uid|urn:oid:${uid('405')}`)}`);
      expect(matchUids(res.body)).toEqual(['405']);
      expect(res.body.entry[0].resource.meta.source).toBe('urn:nhs-imaging-region:LON');
    });

    it('leaves out a study its archive no longer holds, and finds it as status unknown when asked', async () => {
      // What archive sync records when a study leaves its archive.
      const lds = new Pool({ connectionString: topology.regions.get('LDS')!.databaseUrl, max: 1 });
      try {
        await lds.query("UPDATE study SET status = 'NOT_IN_ARCHIVE' WHERE study_instance_uid = $1", [uid('420')]);
      } finally {
        await lds.end();
      }
      expect(matchUids((await search(byPatient(gone))).body)).toEqual([]);
      const asked = await search(`${byPatient(gone)}&status=unknown`);
      expect(matchUids(asked.body)).toEqual(['420']);
      expect(asked.body.entry[0].resource.status).toBe('unknown');
    });

    it('keeps the newest _count, counts every match in total, and says the result was truncated', async () => {
      const res = await search(`${byPatient(busy)}&_count=2&_sort=-started`);
      expect(res.body.total).toBe(5);
      expect(matchUids(res.body)).toEqual(['415', '414']);
      expect(outcomes(res.body)).toEqual([
        { resourceType: 'OperationOutcome', issue: [{ severity: 'information', code: 'informational', diagnostics: expect.stringMatching(/truncated: the newest 2 of 5/) }] },
      ]);
    });

    it('refuses an unsupported parameter with 400, and ignores it under Prefer: handling=lenient, saying so', async () => {
      const strict = await search(`${byPatient(patient)}&_include=ImagingStudy:subject`);
      expect(strict.status).toBe(400);
      expect(strict.body.issue[0]).toMatchObject({ severity: 'error', code: 'not-supported', diagnostics: expect.stringMatching(/"_include" is not supported/) });
      const lenient = await search(`${byPatient(patient)}&_include=ImagingStudy:subject&_sort=date`, 'epr-search', { prefer: 'handling=lenient' });
      expect(lenient.status).toBe(200);
      expect(matchUids(lenient.body)).toHaveLength(5);
      expect(outcomes(lenient.body)).toEqual([{ resourceType: 'OperationOutcome', issue: [expect.objectContaining({ severity: 'warning', diagnostics: 'Parameters ignored: _include, _sort' })] }]);
    });

    it.each([
      ['a modality alone', 'modality=CT'],
      ['an accession number alone', 'identifier=ACC402'],
      ['a date alone', 'started=ge2024-01-01'],
      ['nothing at all', ''],
    ])('refuses a population search: %s', async (_label, query) => {
      const res = await search(query);
      expect(res.status).toBe(400);
      expect(res.body.issue[0]).toMatchObject({ code: 'business-rule', diagnostics: expect.stringMatching(/must name a patient .* or a study/) });
    });
  });

  describe('read and metadata', () => {
    it('reads a study by its opaque id, which is not the UID', async () => {
      const id = encodeStudyId(uid('402'));
      expect(id).not.toContain(uid('402'));
      const res = await fetchFhir(`${fhir()}/ImagingStudy/${id}`, { headers: await clinician('epr-read') });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ resourceType: 'ImagingStudy', id, identifier: [{ value: `urn:oid:${uid('402')}` }, { value: 'ACC402' }] });
    });

    it.each([
      ['a well-formed id of a study nobody holds', encodeStudyId(uid('499'))],
      ['an id this gateway never issued', 'not-an-id'],
      ['a path that cannot be an id', '%E0%A4%A'],
    ])('answers 404 for %s', async (_label, id) => {
      const res = await fetchFhir(`${fhir()}/ImagingStudy/${id}`, { headers: await clinician('epr-read') });
      expect(res.status).toBe(404);
      expect(res.body.issue[0].code).toBe('not-found');
    });

    it('serves an R4 CapabilityStatement that lists exactly what is supported', async () => {
      const res = await fetchFhir(`${fhir()}/metadata`);
      expect(res.body).toMatchObject({ resourceType: 'CapabilityStatement', fhirVersion: '4.0.1', kind: 'instance', format: ['application/fhir+json', 'json'] });
      expect(res.body.rest).toHaveLength(1);
      const [resource] = res.body.rest[0].resource;
      expect(res.body.rest[0].resource).toHaveLength(1);
      expect(resource.type).toBe('ImagingStudy');
      expect(resource.interaction.map((i: any) => i.code)).toEqual(['read', 'search-type']);
      expect(resource.searchParam.map((p: any) => p.name)).toEqual(['patient', 'subject', 'identifier', 'modality', 'started', 'status']);
      expect(resource.documentation).toMatch(/Entered-in-error studies, and studies no longer in their archive \(status unknown\), are left out unless the status parameter asks/);
    });
  });

  describe('errors are OperationOutcomes with the HTTP status of the GraphQL path', () => {
    it('answers a malformed NHS number with 400 and the message GraphQL gives', async () => {
      const wrong = `${patient.slice(0, 9)}${(Number(patient[9]) + 1) % 10}`;
      const graphql = await topology.query(HISTORY, { nhs: wrong });
      const res = await search(byPatient(wrong));
      expect(res.status).toBe(400);
      expect(graphql.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(res.body.issue).toEqual([{ severity: 'error', code: 'invalid', diagnostics: graphql.errors?.[0]?.message }]);
    });

    it('answers 415 to POST _search without a form body', async () => {
      const res = await fetchFhir(`${fhir()}/ImagingStudy/_search`, {
        method: 'POST',
        headers: { ...(await clinician('epr-json')), 'content-type': 'application/json' },
        body: JSON.stringify({ 'patient:identifier': `${NHS}|${patient}` }),
      });
      expect(res.status).toBe(415);
      expect(res.body.issue[0].code).toBe('not-supported');
    });

    it('answers 405 to a method the path does not serve', async () => {
      const res = await fetchFhir(`${fhir()}/ImagingStudy`, { method: 'DELETE', headers: await clinician('epr-json') });
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toBe('GET');
    });

    it('answers 401 without a token, before anything is read', async () => {
      const res = await fetchFhir(`${fhir()}/ImagingStudy?${byPatient(patient)}`);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
      expect(res.body.issue[0]).toMatchObject({ code: 'login', diagnostics: 'a bearer token is required' });
    });

    it.each([
      ['a clinician without a purpose of use', { role: 'CLINICIAN' as const, sub: 'dr-no-purpose' }, /needs a stated purpose of use of DIRECT_CARE/],
      ['an analyst', { role: 'ANALYST' as const, sub: 'analyst-1' }, /needs role CLINICIAN, and the caller is ANALYST/],
    ])('answers 403 to %s, as GraphQL does', async (_label, claims, message) => {
      const res = await fetchFhir(`${fhir()}/ImagingStudy?${byPatient(patient)}`, { headers: await as(claims) });
      expect(res.status).toBe(403);
      expect(res.body.issue[0]).toMatchObject({ code: 'forbidden', diagnostics: expect.stringMatching(message) });
    });

    it('answers 429 above the per-user rate, the limiter GraphQL requests share', async () => {
      const headers = await clinician('busy-epr');
      // Cheap requests: refused as population searches, each one past the gate.
      for (let i = 0; i < 59; i++) expect((await fetchFhir(`${fhir()}/ImagingStudy?modality=CT`, { headers })).status).toBe(400);
      expect((await topology.query(HISTORY, { nhs: patient }, headers)).status).toBe(200); // the 60th, over GraphQL
      const res = await fetchFhir(`${fhir()}/ImagingStudy?modality=CT`, { headers });
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('60');
      expect(res.body.issue[0].code).toBe('throttled');
    });

    it('answers 503 and withholds the data when the audit record cannot be written', async () => {
      await national.query('REVOKE INSERT ON audit_event FROM imaging_gateway_app');
      try {
        const res = await search(byPatient(patient), 'epr-audit-down');
        expect(res.status).toBe(503);
        expect(res.body.issue).toEqual([{ severity: 'error', code: 'transient', diagnostics: expect.stringMatching(/could not be recorded in the audit trail/) }]);
      } finally {
        await national.query('GRANT INSERT ON audit_event TO imaging_gateway_app');
      }
    });
  });

  describe('one data path', () => {
    it('records FHIR searches in the audit trail like any GraphQL read', async () => {
      await postFhirSearch(fhir(), { 'patient:identifier': `${NHS}|${patient}`, modality: 'CT' }, await clinician('epr-audited'));
      const trail = await topology.query(`{ auditEvents(userId: "epr-audited") { nhsNumbers operationName outcome regions { code status studyCount } } }`, {}, topology.adminHeaders);
      expect(trail.data.auditEvents).toEqual([
        {
          nhsNumbers: [patient],
          operationName: 'FhirImagingStudySearch',
          outcome: 'OK',
          regions: [
            { code: 'LDS', status: 'OK', studyCount: 1 },
            { code: 'LON', status: 'OK', studyCount: 1 },
          ],
        },
      ]);
    });

    it("gives an EPR's FHIR client (fhir-kit-client) the same studies as the GraphQL history", async () => {
      const script = path.join(__dirname, '..', 'support', 'fhirKitClient.mjs');
      const token = await topology.auth.token({ role: 'CLINICIAN', sub: 'epr-client' });
      const { stdout } = await promisify(execFile)(process.execPath, [script, JSON.stringify({ baseUrl: fhir(), token, nhsNumber: patient })], { timeout: 30_000 });
      const { capability, viaGet, viaPost, read } = JSON.parse(stdout);
      for (const resource of [capability, viaGet, viaPost, read]) expectValidFhir(resource);
      const graphql = await topology.query(HISTORY, { nhs: patient });
      const studies = graphql.data.patient.imagingHistory.studies;
      for (const bundle of [viaGet, viaPost]) {
        expect(matchUids(bundle)).toEqual(studies.map((s: any) => s.studyInstanceUid.split('.').pop()));
        const endpoints = bundle.entry.map((e: any) => e.resource.contained.find((c: any) => c.resourceType === 'Endpoint').address);
        expect(endpoints).toEqual(studies.map((s: any) => s.retrieve.wadoRsUrl));
        expect(bundle.entry.map((e: any) => e.resource.meta.source)).toEqual(studies.map((s: any) => `urn:nhs-imaging-region:${s.region.code}`));
      }
      expect(read).toEqual(viaPost.entry[0].resource);
    });

    it('never logs query strings, nor puts them into metrics', async () => {
      const secret = testNhsNumber(302);
      const grouped = `${secret.slice(0, 3)} ${secret.slice(3, 6)} ${secret.slice(6)}`;
      const before = logs.length;
      await search(byPatient(secret), 'epr-logs');
      await search(`${byPatient(secret)}&unknown=${secret}`, 'epr-logs');
      await search(`identifier=${secret}`, 'epr-logs');
      await fetchFhir(`${fhir()}/ImagingStudy?${byPatient(secret)}`);
      const logged = () => logs.slice(before).filter((l) => l.includes('"fhir request"')).length;
      // Log lines arrive through a pipe, a moment after the answers.
      for (let i = 0; i < 50 && logged() < 4; i++) await new Promise((r) => setTimeout(r, 20));
      const lines = logs.slice(before);
      // The gateway did log these requests (so the check below looks at something)...
      expect(logged()).toBe(4);
      // ...and none of its lines, nor any metric, holds the NHS number.
      for (const text of [...lines, await (await fetch(`${topology.baseUrl}/metrics`)).text()]) {
        expect(text).not.toContain(secret);
        expect(text).not.toContain(grouped);
      }
    });
  });

  describe('a patient (NHS login)', () => {
    const auditOf = async (userId: string) =>
      (await topology.query(`{ auditEvents(userId: "${userId}") { role purposeOfUse nhsNumbers studyUids operationName outcome } }`, {}, topology.adminHeaders)).data.auditEvents;

    it('finds their own studies by their own NHS number, the same Bundle matches a clinician gets, audited with role PATIENT', async () => {
      const own = await fetchFhir(`${fhir()}/ImagingStudy?${byPatient(patient)}&modality=CT,MR`, { headers: await patientHeaders('patient-own') });
      expect(own.status).toBe(200);
      expectValidFhir(own.body);
      const staff = await search(`${byPatient(patient)}&modality=CT,MR`, 'epr-compare-patient');
      expect(matchUids(own.body)).toEqual(['401', '405', '402']);
      expect(matchUids(own.body)).toEqual(matchUids(staff.body));
      const posted = await postFhirSearch(fhir(), { 'patient:identifier': `${NHS}|${patient}` }, await patientHeaders('patient-own-post'));
      expect(posted.status).toBe(200);
      expect(posted.body.total).toBe(5);
      expect(await auditOf('patient-own')).toEqual([
        { role: 'PATIENT', purposeOfUse: 'PATIENT_ACCESS', nhsNumbers: [patient], studyUids: [], operationName: 'FhirMyImagingStudySearch', outcome: 'OK' },
      ]);
    });

    it("is refused another patient's NHS number with 403, and the refusal is audited", async () => {
      for (const [sub, res] of [
        ['patient-other-get', await fetchFhir(`${fhir()}/ImagingStudy?${byPatient(busy)}`, { headers: await patientHeaders('patient-other-get') })],
        ['patient-other-post', await postFhirSearch(fhir(), { 'subject:identifier': `${NHS}|${busy}` }, await patientHeaders('patient-other-post'))],
      ] as const) {
        expect(res.status).toBe(403);
        expect(res.body).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'forbidden' }] });
        expect(JSON.stringify(res.body)).not.toContain('2020-01-0');
        const trail = await auditOf(sub);
        expect(trail).toEqual([expect.objectContaining({ role: 'PATIENT', nhsNumbers: [busy], operationName: 'FhirImagingStudySearch', outcome: 'DENIED' })]);
      }
    });

    it('is refused a search by StudyInstanceUID and a read by id, even of their own study', async () => {
      const byUid = await fetchFhir(`${fhir()}/ImagingStudy?identifier=${encodeURIComponent(`urn:dicom:uid|urn:oid:${uid('401')}`)}`, { headers: await patientHeaders('patient-uid') });
      expect(byUid.status).toBe(403);
      expect(byUid.body.issue[0].code).toBe('forbidden');
      const read = await fetchFhir(`${fhir()}/ImagingStudy/${encodeStudyId(uid('401'))}`, { headers: await patientHeaders('patient-read') });
      expect(read.status).toBe(403);
      expect(read.body.resourceType).toBe('OperationOutcome');
      expect(await auditOf('patient-read')).toEqual([expect.objectContaining({ role: 'PATIENT', studyUids: [uid('401')], outcome: 'DENIED' })]);
    });

    it('gets nothing from a token of the staff issuer that claims role PATIENT', async () => {
      const res = await fetchFhir(`${fhir()}/ImagingStudy?${byPatient(patient)}`, { headers: await as({ role: 'PATIENT', sub: 'forged-patient', extra: { nhs_number: patient, identity_proofing_level: 'P9' } }) });
      expect(res.status).toBe(401);
      expect(res.body.resourceType).toBe('OperationOutcome');
    });
  });

  describe('partial answers', () => {
    it('adds one outcome entry naming each region that did not answer, and keeps the others\' studies', async () => {
      await topology.stopRegion('LON');
      try {
        const res = await search(byPatient(patient), 'epr-partial');
        expect(res.status).toBe(200);
        expect(matchUids(res.body)).toEqual(['401', '402', '403', '409']);
        expect(outcomes(res.body)).toEqual([
          {
            resourceType: 'OperationOutcome',
            issue: [
              {
                severity: 'warning',
                code: 'incomplete',
                details: { coding: [{ system: 'urn:nhs-imaging-region', code: 'LON', display: 'North Central London' }], text: expect.stringMatching(/Region LON \(North Central London\) did not answer/) },
                diagnostics: expect.stringMatching(/Region LON \(North Central London\) is unavailable/),
              },
            ],
          },
        ]);
        const byUid = await search(`identifier=${encodeURIComponent(`urn:dicom:uid|urn:oid:${uid('401')}`)}`, 'epr-partial');
        expect(matchUids(byUid.body)).toEqual(['401']);
        expect(outcomes(byUid.body).map((o) => o.issue[0].details.coding[0].code)).toEqual(['LON']);
      } finally {
        await topology.startRegion('LON');
      }
    });
  });
});
