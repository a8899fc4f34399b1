import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger } from '../../lib/logger';
import { MembershipPublisher } from '../../subgraphs/region/membership/MembershipPublisher';
import type { SyncConfig } from '../../subgraphs/region/sync/ArchiveConfig';
import { parseSyncConfig } from '../../subgraphs/region/sync/readSyncConfig';
import type { PassReport } from '../../subgraphs/region/sync/runSyncPass';
import { runSyncOnce, startSync } from '../../subgraphs/region/sync/startSync';
import { generateRegion } from '../../subgraphs/region/synthetic/generateRegion';
import type { StudyRecord } from '../../subgraphs/region/StudyRecord';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startOrthanc, type RunningOrthanc } from '../support/startOrthanc';
import { writeDicomFiles, type DicomFileOptions } from '../support/writeDicomFile';

const PUBLIC_BASE = 'https://pacs.syn.example.nhs.uk/dicomweb';
const logger = createLogger('sync-test', 'silent');

function wrongCheckDigit(nhs: string): string {
  return `${nhs.slice(0, 9)}${(Number(nhs[9]) + 1) % 10}`;
}

/** One test's own archive and region database: no test depends on another's state. */
interface Archive {
  orthanc: RunningOrthanc;
  db: TestDatabase;
  upload(study: StudyRecord, options: DicomFileOptions): Promise<void>;
  config(overrides?: Record<string, unknown>): SyncConfig;
  publisher: MembershipPublisher;
  once(overrides?: Record<string, unknown>, confirmRemovals?: boolean): Promise<PassReport>;
  row(uid: string): Promise<Record<string, any>>;
  quarantine(): Promise<Array<{ study_instance_uid: string; reasons: string[] }>>;
}

async function withArchive(body: (archive: Archive) => Promise<void>): Promise<void> {
  const [orthanc, db] = await Promise.all([startOrthanc(), createTestDatabase('region', 'sync')]);
  // No gateway here: a pass that adds studies waits one (short) lease, as a region without GATEWAY_URL does.
  const publisher = new MembershipPublisher({ pool: db.pool, logger, region: 'SYN', secret: '', gatewayUrl: null, leaseMs: 100 });
  const config = (overrides: Record<string, unknown> = {}) => {
    const parsed = parseSyncConfig({ pollSeconds: 0.2, archives: [{ name: 'orthanc', dicomweb: orthanc.dicomwebUrl, publicBase: PUBLIC_BASE, viewerUrlTemplate: 'https://viewer.syn.example.nhs.uk/?study={studyInstanceUid}', ...overrides }] });
    if (!parsed.ok) throw new Error(parsed.message);
    return parsed.config;
  };
  try {
    await body({
      orthanc,
      db,
      upload: async (study, options) => {
        for (const file of writeDicomFiles(study, options)) await orthanc.upload(file);
      },
      config,
      publisher,
      once: async (overrides = {}, confirmRemovals = false) => (await runSyncOnce({ config: config(overrides), pool: db.pool, logger, publisher, confirmRemovals }))[0]!,
      row: async (uid) =>
        (await db.pool.query(`SELECT nhs_number, local_patient_id, to_char(study_time, 'HH24:MI:SS') AS study_time, referring_physician, ods_code, status, wado_rs_url, viewer_url, series_count,
          (SELECT count(*)::int FROM series WHERE series.study_instance_uid = study.study_instance_uid) AS series FROM study WHERE study_instance_uid = $1`, [uid])).rows[0],
      quarantine: async () =>
        (await db.pool.query<{ study_instance_uid: string; reasons: string[] }>('SELECT study_instance_uid, reasons FROM sync_quarantine ORDER BY study_instance_uid')).rows,
    });
  } finally {
    await Promise.all([orthanc.stop(), db.drop()]);
  }
}

const ALL_PLACEMENTS = { nhsNumberPlacements: ['patientId', 'otherPatientIdsSequence', 'patientIdWithoutIssuer', 'otherPatientIds'] };

describe('keeping a region index in step with a real Orthanc', () => {
  const studies: StudyRecord[] = [...generateRegion({ seed: 31, regionCode: 'SYN', regionCodes: ['SYN'], studyCount: 12 })];
  const s = (i: number) => studies[i]!;
  s(0).referringPhysicianName = 'Ó Súilleabháin^Siân';
  s(1).referringPhysicianName = 'Müller^Zoë';

  it('stores each study whose NHS number is where the archive keeps it, complete, and quarantines the rest with reasons', () =>
    withArchive(async ({ upload, once, row, quarantine }) => {
      await upload(s(0), { placement: 'otherPatientIdsSequence-NHS', studyTime: '10', patientName: 'Ó Súilleabháin^Siân' });
      await upload(s(1), { placement: 'patientId-NHS', charset: 'ISO_IR 100', patientName: 'Müller^Zoë' });
      await upload(s(2), { placement: 'patientId-OID' });
      await upload(s(3), { placement: 'otherPatientIdsSequence-OID' });
      await upload(s(4), { placement: 'patientId-no-issuer' });
      await upload(s(5), { placement: 'otherPatientIds-retired' });
      await upload(s(6), { placement: 'otherPatientIdsSequence-NHS', nhsNumber: wrongCheckDigit(s(6).nhsNumber) });
      const report = await once();
      expect(report).toMatchObject({ event: 'sync-pass', seen: 7, upserted: 4, quarantined: 3, removed: 0, errors: 0, completed: true, membership: 'unpublished' });
      expect(await row(s(0).studyInstanceUid)).toMatchObject({
        nhs_number: s(0).nhsNumber,
        local_patient_id: s(0).localPatientId,
        study_time: '10:00:00',
        referring_physician: 'Ó Súilleabháin^Siân',
        ods_code: s(0).odsCode,
        status: 'AVAILABLE',
        wado_rs_url: `${PUBLIC_BASE}/studies/${s(0).studyInstanceUid}`,
        viewer_url: `https://viewer.syn.example.nhs.uk/?study=${s(0).studyInstanceUid}`,
        series: s(0).series!.length,
      });
      expect((await row(s(1).studyInstanceUid)).referring_physician).toBe('Müller^Zoë');
      for (const i of [2, 3]) expect((await row(s(i).studyInstanceUid)).nhs_number).toBe(s(i).nhsNumber);
      const held = await quarantine();
      expect(held.map((q) => q.study_instance_uid).sort()).toEqual([s(4), s(5), s(6)].map((x) => x.studyInstanceUid).sort());
      expect(held.find((q) => q.study_instance_uid === s(4).studyInstanceUid)!.reasons.join()).toMatch(/no NHS number/);
      expect(held.find((q) => q.study_instance_uid === s(6).studyInstanceUid)!.reasons.join()).toMatch(/check digit/);
    }));

  it('finds the NHS number in Patient ID without issuer and in the retired Other Patient IDs only when the archive opts in', () =>
    withArchive(async ({ upload, once, row, quarantine }) => {
      await upload(s(4), { placement: 'patientId-no-issuer' });
      await upload(s(5), { placement: 'otherPatientIds-retired' });
      expect(await once()).toMatchObject({ seen: 2, upserted: 0, quarantined: 2 });
      expect(await once(ALL_PLACEMENTS)).toMatchObject({ seen: 2, upserted: 2, quarantined: 0, errors: 0 });
      expect((await row(s(4).studyInstanceUid)).nhs_number).toBe(s(4).nhsNumber);
      expect((await row(s(5).studyInstanceUid)).nhs_number).toBe(s(5).nhsNumber);
      expect(await quarantine()).toEqual([]);
    }));

  it('accepts a quarantined study on the next pass once the archive has fixed it', () =>
    withArchive(async ({ orthanc, upload, once, row, quarantine }) => {
      await upload(s(6), { placement: 'otherPatientIdsSequence-NHS', nhsNumber: wrongCheckDigit(s(6).nhsNumber) });
      expect(await once()).toMatchObject({ quarantined: 1, upserted: 0 });
      await orthanc.deleteStudy(s(6).studyInstanceUid);
      await upload(s(6), { placement: 'otherPatientIdsSequence-NHS' });
      expect(await once()).toMatchObject({ quarantined: 0, upserted: 1, errors: 0 });
      expect(await quarantine()).toEqual([]);
      expect((await row(s(6).studyInstanceUid)).nhs_number).toBe(s(6).nhsNumber);
    }));

  it('holds a removal of more than the allowed share until confirmed, then marks the study NOT_IN_ARCHIVE, and makes it AVAILABLE when it returns', () =>
    withArchive(async ({ orthanc, upload, once, row }) => {
      for (const i of [0, 2, 3]) await upload(s(i), { placement: 'patientId-OID' });
      expect(await once()).toMatchObject({ upserted: 3 });
      await orthanc.deleteStudy(s(2).studyInstanceUid);
      expect(await once()).toMatchObject({ reconciliation: 'held', removed: 0, completed: false });
      expect((await row(s(2).studyInstanceUid)).status).toBe('AVAILABLE');
      expect(await once({}, true)).toMatchObject({ reconciliation: 'done', removed: 1, completed: true });
      expect((await row(s(2).studyInstanceUid)).status).toBe('NOT_IN_ARCHIVE');
      await upload(s(2), { placement: 'patientId-OID' });
      expect(await once()).toMatchObject({ upserted: 1, removed: 0 });
      expect((await row(s(2).studyInstanceUid)).status).toBe('AVAILABLE');
    }));

  it('removes nothing when the listing fails, comes back empty, or repeats itself', () =>
    withArchive(async ({ db, upload, once }) => {
      await upload(s(0), { placement: 'patientId-NHS' });
      expect(await once()).toMatchObject({ upserted: 1 });
      // 204, [] and 500 for the listing; 'same' answers every offset with the same study (an archive ignoring offset).
      const answers: Array<number | 'same'> = [204];
      const fake = http.createServer((req, res) => {
        const answer = answers[0]!;
        const listing = req.url!.startsWith('/dicom-web/studies?');
        // A study's own queries (series, instances) answer "none", so only the listing can fail a pass.
        res.statusCode = !listing ? 200 : answer === 'same' ? 200 : answer;
        res.end(!listing ? '[]' : answer === 'same' ? JSON.stringify([{ '0020000D': { vr: 'UI', Value: [s(0).studyInstanceUid] } }]) : res.statusCode === 200 ? '[]' : undefined);
      });
      await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
      const fakeBase = `http://127.0.0.1:${(fake.address() as AddressInfo).port}/dicom-web`;
      try {
        for (const status of [204, 200, 500, 'same'] as const) {
          answers[0] = status;
          const report = await once({ dicomweb: fakeBase, maxRemoveShare: 1 }, true);
          expect(report).toMatchObject({ removed: 0, completed: false });
          expect(report.errors).toBeGreaterThan(0);
        }
        const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM study WHERE status = 'NOT_IN_ARCHIVE'`);
        expect(rows[0].n).toBe(0);
      } finally {
        await new Promise((resolve) => fake.close(resolve));
      }
    }));

  it.each([
    ['follows the change feed', { changeFeed: 'orthanc' }],
    ['polls the QIDO-RS listing when the change feed is off', { changeFeed: 'none' }],
  ])('%s: a new study is in the index after the next pass', (_name, overrides) =>
    withArchive(async ({ db, upload, config, row, publisher }) => {
      await upload(s(0), { placement: 'otherPatientIdsSequence-NHS' });
      const reports: PassReport[] = [];
      const waitFor = async (predicate: () => boolean) => {
        const deadline = Date.now() + 20_000;
        while (!predicate() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
        expect(predicate()).toBe(true);
      };
      const running = startSync({ config: config(overrides), pool: db.pool, logger, publisher, onPass: (r) => reports.push(r) });
      try {
        await waitFor(() => reports.length >= 1);
        expect(reports[0]).toMatchObject({ mode: 'full', upserted: 1 });
        await upload(s(7), { placement: 'otherPatientIdsSequence-NHS' });
        await waitFor(() => reports.some((r) => r.mode !== 'full' && r.upserted > 0));
        expect(reports.find((r) => r.mode !== 'full' && r.upserted > 0)!.mode).toBe(overrides.changeFeed === 'orthanc' ? 'changes' : 'listing');
        expect((await row(s(7).studyInstanceUid)).nhs_number).toBe(s(7).nhsNumber);
      } finally {
        await running.stop();
      }
    }));
});
