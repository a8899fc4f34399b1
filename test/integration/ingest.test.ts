import { createLogger } from '../../lib/logger';
import { createRegionServer, type RunningRegion } from '../../subgraphs/region/server';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { postGraphQL } from '../support/postGraphQL';
import { createTestAuth, type TestAuth } from '../support/testAuth';
import { studyInput, testNhsNumber, UPSERT } from '../support/studyInputs';

const HISTORY = `query($nhs: String!, $all: Boolean) {
  patient(nhsNumber: $nhs) { imagingHistory(filter: { includeEnteredInError: $all }) { studies { studyInstanceUid description status series { seriesInstanceUid } } } }
}`;

describe('ingest into a regional index', () => {
  let db: TestDatabase;
  let region: RunningRegion;
  let auth: TestAuth;
  let archive: Record<string, string>;
  /** As the gateway calls the region: signed with the region's secret. */
  const ask = (query: string, variables: Record<string, unknown> = {}) => postGraphQL<any>(region.url, query, variables, {}, auth.sign('MAN'));
  /** As the region's archive writes to it. */
  const write = (query: string, variables: Record<string, unknown> = {}) => postGraphQL<any>(region.ingestUrl, query, variables, archive);
  const nhs = testNhsNumber(10);

  beforeAll(async () => {
    db = await createTestDatabase('region', 'ingest');
    auth = await createTestAuth();
    archive = await auth.headers({ role: 'ARCHIVE', region: 'MAN', org: 'RXX' });
    region = await createRegionServer({ region: { code: 'MAN', name: 'Greater Manchester' }, pool: db.pool, logger: createLogger('test', 'silent'),
      gatewaySecret: auth.regionSecret('MAN'),
      // No gateway here, so writes are unpublished and held for one lease: keep it short.
      leaseMs: 50,
      authenticate: auth.authenticate });
  });
  afterAll(async () => {
    await region.stop();
    await db.drop();
  });

  /** Stores one study of this test's own, so no test depends on another having run. */
  async function seed(study: Record<string, unknown>) {
    const res = await write(UPSERT, { studies: [study] });
    expect(res.data.upsertStudies).toMatchObject({ inserted: 1, rejected: [] });
  }

  async function snapshot() {
    const { rows } = await db.pool.query(`SELECT s.*, (SELECT array_agg(series_instance_uid ORDER BY 1) FROM series WHERE study_instance_uid = s.study_instance_uid) AS series FROM study s ORDER BY 1`);
    return rows;
  }

  it('inserts a batch, and sending it again changes nothing', async () => {
    const studies = [studyInput('100', nhs), studyInput('101', nhs, { studyDate: '20240302', studyTime: '0930' })];
    const first = await write( UPSERT, { studies });
    expect(first.data.upsertStudies).toEqual({ accepted: 2, inserted: 2, updated: 0, unchanged: 0, rejected: [] });
    const before = await snapshot();
    const again = await write( UPSERT, { studies });
    expect(again.data.upsertStudies).toEqual({ accepted: 2, inserted: 0, updated: 0, unchanged: 2, rejected: [] });
    expect(await snapshot()).toEqual(before);
  });

  it('updates a changed study and replaces its series list', async () => {
    await seed(studyInput('110', nhs));
    const changed = studyInput('110', nhs, {
      description: 'CT HEAD WITH CONTRAST',
      series: [{ seriesInstanceUid: '1.2.826.0.1.3680043.10.999.110.7', modality: 'CT' }],
    });
    const res = await write( UPSERT, { studies: [changed] });
    expect(res.data.upsertStudies).toMatchObject({ inserted: 0, updated: 1, unchanged: 0 });
    const history = await ask( HISTORY, { nhs });
    const study = history.data.patient.imagingHistory.studies.find((s: { studyInstanceUid: string }) => s.studyInstanceUid.endsWith('.110'));
    expect(study).toMatchObject({ description: 'CT HEAD WITH CONTRAST', series: [{ seriesInstanceUid: '1.2.826.0.1.3680043.10.999.110.7' }] });
  });

  it('counts a study whose only change is its series as updated', async () => {
    await seed(studyInput('120', nhs));
    const res = await write(UPSERT, { studies: [studyInput('120', nhs, { series: [] })] });
    expect(res.data.upsertStudies).toMatchObject({ updated: 1 });
    const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM series WHERE study_instance_uid LIKE '%.120'`);
    expect(rows[0].n).toBe(0);
  });

  it('rejects bad records with per-record reasons and stores the good ones', async () => {
    const res = await write( UPSERT, {
      studies: [
        studyInput('200', nhs),
        studyInput('201', '9434765918'),
        studyInput('202', nhs, { studyInstanceUid: '1.2.03.4' }),
        studyInput('203', nhs, { studyDate: '2023-13-01', studyTime: '25:00' }),
        studyInput('204', nhs, { studyInstanceUid: `1.${'2'.repeat(70)}` }),
        studyInput('205', nhs),
      ],
    });
    const result = res.data.upsertStudies;
    expect(result).toMatchObject({ accepted: 2, inserted: 2 });
    expect(result.rejected.map((r: { index: number }) => r.index)).toEqual([1, 2, 3, 4]);
    expect(result.rejected[0].reasons).toEqual(['NHS number check digit is wrong']);
    expect(result.rejected[1].reasons[0]).toMatch(/not a DICOM UID/);
    expect(result.rejected[2].reasons).toEqual([
      expect.stringMatching(/studyDate "2023-13-01" is not a real calendar date/),
      expect.stringMatching(/studyTime "25:00" is not a real time of day/),
    ]);
    expect(result.rejected[3].reasons[0]).toMatch(/longer than 64/);
    const { rows } = await db.pool.query(`SELECT study_instance_uid FROM study WHERE study_instance_uid ~ '\\.20[0-9]$' ORDER BY 1`);
    expect(rows.map((r) => r.study_instance_uid.split('.').pop())).toEqual(['200', '205']);
  });

  it('applies the later of two records with the same UID and says so', async () => {
    const res = await write( UPSERT, {
      studies: [studyInput('300', nhs, { description: 'first' }), studyInput('300', nhs, { description: 'second' })],
    });
    expect(res.data.upsertStudies.rejected).toEqual([
      { index: 0, studyInstanceUid: '1.2.826.0.1.3680043.10.999.300', reasons: ['superseded by record 1 with the same studyInstanceUid in this batch'] },
    ]);
    const { rows } = await db.pool.query(`SELECT description FROM study WHERE study_instance_uid = '1.2.826.0.1.3680043.10.999.300'`);
    expect(rows).toEqual([{ description: 'second' }]);
  });

  it('marks a study entered in error, hiding it from the history unless asked', async () => {
    await seed(studyInput('130', nhs));
    const uid = '1.2.826.0.1.3680043.10.999.130';
    const mark = `mutation($u: [String!]!) { markEnteredInError(studyInstanceUids: $u) { marked alreadyMarked notFound } }`;
    const res = await write( mark, { u: [uid, '1.2.3.999'] });
    expect(res.data.markEnteredInError).toEqual({ marked: 1, alreadyMarked: 0, notFound: ['1.2.3.999'] });
    expect((await write( mark, { u: [uid] })).data.markEnteredInError).toEqual({ marked: 0, alreadyMarked: 1, notFound: [] });
    const visible = await ask( HISTORY, { nhs });
    expect(visible.data.patient.imagingHistory.studies.map((s: { studyInstanceUid: string }) => s.studyInstanceUid)).not.toContain(uid);
    const all = await ask( HISTORY, { nhs, all: true });
    expect(all.data.patient.imagingHistory.studies.find((s: { studyInstanceUid: string }) => s.studyInstanceUid === uid).status).toBe('ENTERED_IN_ERROR');
  });

  it('keeps a study entered in error when a routine re-feed sends it without a status', async () => {
    const uid = '1.2.826.0.1.3680043.10.999.400';
    const statusOf = async () => (await db.pool.query('SELECT status FROM study WHERE study_instance_uid = $1', [uid])).rows[0]?.status;
    const marked = await write(UPSERT, { studies: [studyInput('400', nhs, { status: 'ENTERED_IN_ERROR' })] });
    expect(marked.data.upsertStudies).toMatchObject({ inserted: 1 });
    const refeed = await write(UPSERT, { studies: [studyInput('400', nhs)] });
    expect(refeed.data.upsertStudies).toMatchObject({ accepted: 1, updated: 0, unchanged: 1 });
    expect(await statusOf()).toBe('ENTERED_IN_ERROR');
    const restored = await write(UPSERT, { studies: [studyInput('400', nhs, { status: 'AVAILABLE' })] });
    expect(restored.data.upsertStudies).toMatchObject({ updated: 1 });
    expect(await statusOf()).toBe('AVAILABLE');
  });

  it('marks entered in error through upsert too', async () => {
    const uid = '1.2.826.0.1.3680043.10.999.500';
    expect((await write(UPSERT, { studies: [studyInput('500', nhs)] })).data.upsertStudies).toMatchObject({ inserted: 1 });
    const res = await write(UPSERT, { studies: [studyInput('500', nhs, { status: 'ENTERED_IN_ERROR' })] });
    expect(res.data.upsertStudies).toMatchObject({ updated: 1 });
    const { rows } = await db.pool.query('SELECT status FROM study WHERE study_instance_uid = $1', [uid]);
    expect(rows[0].status).toBe('ENTERED_IN_ERROR');
  });

  it('keeps what a later write leaves out, and clears what it sends as null', async () => {
    const full = studyInput('300', nhs, { viewerUrl: 'https://viewer.example.nhs.uk/?s=300' });
    await write(UPSERT, { studies: [full] });
    const thin = { studyInstanceUid: full.studyInstanceUid, nhsNumber: nhs, description: 'CT HEAD (RE-REPORTED)' };
    const res = await write(UPSERT, { studies: [thin] });
    expect(res.data.upsertStudies).toMatchObject({ accepted: 1, updated: 1 });
    const read = async () => (await db.pool.query('SELECT description, ods_code, organisation_name, local_patient_id, viewer_url, accession_number FROM study WHERE study_instance_uid = $1', [full.studyInstanceUid])).rows[0];
    expect(await read()).toEqual({
      description: 'CT HEAD (RE-REPORTED)', ods_code: 'RXX01', organisation_name: 'Test Teaching Hospitals', local_patient_id: 'MRN1',
      viewer_url: 'https://viewer.example.nhs.uk/?s=300', accession_number: full.accessionNumber,
    });
    await write(UPSERT, { studies: [{ ...thin, viewerUrl: null, performingOrganisation: null }] });
    expect(await read()).toMatchObject({ ods_code: null, organisation_name: null, viewer_url: null, local_patient_id: 'MRN1' });
  });

  it('refuses a batch over the limit as a whole, storing nothing', async () => {
    const studies = Array.from({ length: 1001 }, (_, i) => studyInput(`9${i}`, nhs, { series: null }));
    const before = await snapshot();
    const res = await write( UPSERT, { studies });
    expect(res.errors?.[0]).toMatchObject({ message: expect.stringMatching(/at most 1000 studies/), extensions: { code: 'BAD_USER_INPUT' } });
    expect(await snapshot()).toEqual(before);
  });
});
