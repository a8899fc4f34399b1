import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadDicomJsonFile, type LoadFileResult } from '../../subgraphs/region/bulk/loadDicomJsonFile';
import { loadStudies, type LoadSummary } from '../../subgraphs/region/bulk/loadStudies';
import type { StudyRecord } from '../../subgraphs/region/StudyRecord';
import { generateRegion } from '../../subgraphs/region/synthetic/generateRegion';
import { seedRegion } from '../../subgraphs/region/synthetic/seedRegion';
import { toDicomJson } from '../../subgraphs/region/synthetic/toDicomJson';
import { createTestDatabase, type TestDatabase } from '../support/database';

const REGIONS = ['LDS', 'LON', 'MAN'];
const VIEWER = 'https://viewer.lds.example.nhs.uk/viewer';

function studies(regionCode: string, studyCount: number, seed = 42): StudyRecord[] {
  return [...generateRegion({ seed, regionCode, regionCodes: REGIONS, studyCount, viewerBaseUrl: VIEWER })];
}

function summaryOf(result: LoadFileResult): LoadSummary {
  if (!result.ok) throw new Error(result.reason);
  return result.summary;
}

function counts(s: LoadSummary) {
  return { read: s.read, inserted: s.inserted, updated: s.updated, unchanged: s.unchanged, duplicates: s.duplicates, rejected: s.rejected };
}

/** A stored study read back in the shape of a StudyRecord, series included. */
async function stored(db: TestDatabase, uid: string): Promise<StudyRecord | null> {
  const s = await db.pool.query(
    `SELECT study_instance_uid, nhs_number, local_patient_id, issuer_of_patient_id, accession_number, study_date::text,
            study_time::text, modalities, description, body_part_examined, referring_physician, series_count, instance_count,
            availability, ods_code, organisation_name, status, wado_rs_url, viewer_url
       FROM study WHERE study_instance_uid = $1`,
    [uid],
  );
  const r = s.rows[0];
  if (!r) return null;
  const series = await db.pool.query(
    `SELECT series_instance_uid, series_number, modality, description, body_part_examined, instance_count
       FROM series WHERE study_instance_uid = $1 ORDER BY series_number, series_instance_uid`,
    [uid],
  );
  return {
    studyInstanceUid: r.study_instance_uid, nhsNumber: r.nhs_number, localPatientId: r.local_patient_id,
    issuerOfPatientId: r.issuer_of_patient_id, accessionNumber: r.accession_number, studyDate: r.study_date,
    studyTime: r.study_time, modalities: r.modalities, description: r.description, bodyPartExamined: r.body_part_examined,
    referringPhysicianName: r.referring_physician, numberOfStudyRelatedSeries: r.series_count,
    numberOfStudyRelatedInstances: r.instance_count, instanceAvailability: r.availability, odsCode: r.ods_code,
    organisationName: r.organisation_name, status: r.status, wadoRsUrl: r.wado_rs_url, viewerUrl: r.viewer_url,
    series: series.rows.map((x) => ({
      seriesInstanceUid: x.series_instance_uid, seriesNumber: x.series_number, modality: x.modality,
      description: x.description, bodyPartExamined: x.body_part_examined, instanceCount: x.instance_count,
    })),
  };
}

async function tableCounts(db: TestDatabase): Promise<{ studies: number; series: number; lastUpdate: string }> {
  const r = await db.pool.query(
    `SELECT (SELECT count(*)::int FROM study) AS studies, (SELECT count(*)::int FROM series) AS series,
            (SELECT max(updated_at)::text FROM study) AS last_update`,
  );
  return { studies: r.rows[0].studies, series: r.rows[0].series, lastUpdate: r.rows[0].last_update };
}

describe('bulk loader', () => {
  let db: TestDatabase;
  let dir: string;
  const write = (name: string, text: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  };
  const ndjson = (records: StudyRecord[]) => records.map((r) => JSON.stringify(toDicomJson(r))).join('\n');

  beforeAll(async () => {
    db = await createTestDatabase('region', 'bulk');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bulk-load-'));
  });
  afterAll(async () => {
    await db.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const lds = studies('LDS', 400);
  const lon = studies('LON', 150);

  /** Runs `body` over a database of its own holding the LDS file, so no test depends on another's load. */
  async function withLdsLoaded(body: (scratch: TestDatabase, file: string) => Promise<void>): Promise<void> {
    const scratch = await createTestDatabase('region', 'lds');
    try {
      const file = write('lds.ndjson', ndjson(lds));
      const result = await loadDicomJsonFile(scratch.pool, { file, viewerBaseUrl: VIEWER, chunkSize: 90 });
      expect(counts(summaryOf(result))).toEqual({ read: 400, inserted: 400, updated: 0, unchanged: 0, duplicates: 0, rejected: 0 });
      expect(result.ok && result.rejectsPath).toBe(null);
      await body(scratch, file);
    } finally {
      await scratch.drop();
    }
  }

  it('loads an NDJSON file of studies with their series, exactly as generated', () =>
    withLdsLoaded(async (scratch, file) => {
      const seriesTotal = lds.reduce((n, s) => n + s.series!.length, 0);
      expect(await tableCounts(scratch)).toMatchObject({ studies: 400, series: seriesTotal });
      for (const i of [0, 123, 399]) expect(await stored(scratch, lds[i]!.studyInstanceUid)).toEqual(lds[i]);
      expect(fs.existsSync(`${file}.rejects.ndjson`)).toBe(false);
    }));

  it('loads a JSON array file (a QIDO-RS answer) the same way', async () => {
    const file = write('lon.json', JSON.stringify(lon.map(toDicomJson), null, 1));
    const summary = summaryOf(await loadDicomJsonFile(db.pool, { file, viewerBaseUrl: VIEWER }));
    expect(counts(summary)).toEqual({ read: 150, inserted: 150, updated: 0, unchanged: 0, duplicates: 0, rejected: 0 });
    expect(await stored(db, lon[77]!.studyInstanceUid)).toEqual(lon[77]);
  });

  it('changes nothing when the same file is loaded again', () =>
    withLdsLoaded(async (scratch, file) => {
      const before = await tableCounts(scratch);
      const summary = summaryOf(await loadDicomJsonFile(scratch.pool, { file, viewerBaseUrl: VIEWER, chunkSize: 70, connections: 1 }));
      expect(counts(summary)).toEqual({ read: 400, inserted: 0, updated: 0, unchanged: 400, duplicates: 0, rejected: 0 });
      expect(await tableCounts(scratch)).toEqual(before);
    }));

  it('updates a study whose record changed and leaves the others untouched', () =>
    withLdsLoaded(async (scratch) => {
      const before = await tableCounts(scratch);
      const changed = lds.map((s, i) => (i === 10 ? { ...s, description: 'CT HEAD WITH CONTRAST', instanceAvailability: 'NEARLINE' as const } : s));
      const file = write('lds-changed.ndjson', ndjson(changed));
      const summary = summaryOf(await loadDicomJsonFile(scratch.pool, { file, viewerBaseUrl: VIEWER }));
      expect(counts(summary)).toEqual({ read: 400, inserted: 0, updated: 1, unchanged: 399, duplicates: 0, rejected: 0 });
      expect(await stored(scratch, lds[10]!.studyInstanceUid)).toEqual(changed[10]);
      const after = await tableCounts(scratch);
      expect(after.studies).toBe(before.studies);
      expect(after.lastUpdate > before.lastUpdate).toBe(true);
      const touched = await scratch.pool.query('SELECT count(*)::int AS n FROM study WHERE updated_at > $1::timestamptz', [before.lastUpdate]);
      expect(touched.rows[0].n).toBe(1);
    }));

  it('makes the stored series of a study exactly the series in the file', () =>
    withLdsLoaded(async (scratch) => {
      const target = lds.find((s) => s.series!.length >= 2)!;
      const fewer = { ...target, series: target.series!.slice(0, 1) };
      const summary = await loadStudies(scratch.pool, [fewer]);
      expect(counts(summary)).toEqual({ read: 1, inserted: 0, updated: 1, unchanged: 0, duplicates: 0, rejected: 0 });
      expect((await stored(scratch, target.studyInstanceUid))!.series).toEqual(fewer.series);
      const untouched = { ...target };
      delete untouched.series;
      await loadStudies(scratch.pool, [untouched]);
      expect((await stored(scratch, target.studyInstanceUid))!.series).toEqual(fewer.series);
      await loadStudies(scratch.pool, [target]);
      expect(await stored(scratch, target.studyInstanceUid)).toEqual(target);
    }));

  it('stores the good records and writes each bad one to the rejects file with its reasons', async () => {
    const good = studies('MAN', 5);
    const badUid = { ...toDicomJson(good[1]!), '0020000D': { vr: 'UI', Value: ['1.2.04'] } };
    const nhs = good[2]!.nhsNumber;
    const badNhs = toDicomJson({ ...good[2]!, nhsNumber: `${nhs.slice(0, 9)}${(Number(nhs[9]) + 1) % 10}` });
    const lines = [JSON.stringify(toDicomJson(good[0]!)), JSON.stringify(badUid), '{"0020000D": {"vr": "UI", "Value": ["1.2.3"]', JSON.stringify(badNhs), '', JSON.stringify(toDicomJson(good[3]!))];
    const file = write('mixed.ndjson', lines.join('\n'));
    const rejectsPath = path.join(dir, 'mixed-rejects.ndjson');
    const result = await loadDicomJsonFile(db.pool, { file, rejectsPath, viewerBaseUrl: VIEWER });
    expect(counts(summaryOf(result))).toEqual({ read: 5, inserted: 2, updated: 0, unchanged: 0, duplicates: 0, rejected: 3 });
    expect(result.ok && result.rejectsPath).toBe(rejectsPath);
    const rejects = fs.readFileSync(rejectsPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(rejects).toEqual([
      { record: 2, line: 2, studyInstanceUid: '1.2.04', reasons: ['studyInstanceUid "1.2.04" is not a DICOM UID (dotted numbers, no leading zeros)'] },
      { record: 3, line: 3, studyInstanceUid: null, reasons: [expect.stringMatching(/^not valid JSON/)] },
      { record: 4, line: 4, studyInstanceUid: good[2]!.studyInstanceUid, reasons: ['NHS number check digit is wrong'] },
    ]);
    expect(await stored(db, good[0]!.studyInstanceUid)).toEqual(good[0]);
    expect(await stored(db, good[3]!.studyInstanceUid)).toEqual(good[3]);
    expect(await stored(db, good[2]!.studyInstanceUid)).toBeNull();
    // A later clean run does not leave this run's rejects looking like its own.
    const clean = write('clean.ndjson', JSON.stringify(toDicomJson(good[4]!)));
    expect(await loadDicomJsonFile(db.pool, { file: clean, rejectsPath, viewerBaseUrl: VIEWER })).toMatchObject({ ok: true, rejectsPath: null });
    expect(fs.existsSync(rejectsPath)).toBe(false);
  });

  it('keeps the last of several records with the same UID in one chunk', async () => {
    const [a, b] = studies('MAN', 12).slice(10);
    const first = { ...a!, description: 'FIRST VERSION' };
    const last = { ...a!, description: 'LAST VERSION', series: a!.series!.slice(0, 1) };
    const summary = await loadStudies(db.pool, [first, b!, last], { connections: 1 });
    expect(counts(summary)).toEqual({ read: 3, inserted: 2, updated: 0, unchanged: 0, duplicates: 1, rejected: 0 });
    expect(await stored(db, a!.studyInstanceUid)).toEqual(last);
  });

  it('stores text with tabs, newlines, backslashes, quotes and braces exactly', async () => {
    const base = studies('MAN', 13)[12]!;
    const odd: StudyRecord = {
      ...base,
      description: 'line one\nline two\ttabbed \\ back\\slash "quoted" {braced} NULL \\N',
      organisationName: 'Ünal & Zoë\r\nHospital',
      referringPhysicianName: 'O\'Brien^Seán',
      localPatientId: '\\N',
      modalities: ['CT', 'NULL'],
      series: [{ ...base.series![0]!, description: 'tab\there, comma, {brace}' }],
    };
    await loadStudies(db.pool, [odd]);
    expect(await stored(db, odd.studyInstanceUid)).toEqual(odd);
    expect(counts(await loadStudies(db.pool, [odd]))).toMatchObject({ unchanged: 1, updated: 0 });
  });

  it('seeds a region from the generator, in chunks over two connections, and re-seeding changes nothing', async () => {
    const scratch = await createTestDatabase('region', 'seed');
    try {
      const options = { seed: 9, regionCode: 'LON', regionCodes: REGIONS, studyCount: 1_000 };
      const first = await seedRegion(scratch.pool, options, { chunkSize: 150, connections: 2 });
      expect(counts(first)).toEqual({ read: 1_000, inserted: 1_000, updated: 0, unchanged: 0, duplicates: 0, rejected: 0 });
      const again = await seedRegion(scratch.pool, options, { chunkSize: 400 });
      expect(counts(again)).toEqual({ read: 1_000, inserted: 0, updated: 0, unchanged: 1_000, duplicates: 0, rejected: 0 });
      const n = await scratch.pool.query('SELECT count(*)::int AS n, count(DISTINCT study_instance_uid)::int AS d FROM study');
      expect(n.rows[0]).toEqual({ n: 1_000, d: 1_000 });
    } finally {
      await scratch.drop();
    }
  });

  it('keeps committed chunks when a load fails part-way, and a re-run completes it', async () => {
    const scratch = await createTestDatabase('region', 'crash');
    try {
      const all = studies('LDS', 500);
      function* failingAfter(n: number): Generator<StudyRecord> {
        for (let i = 0; i < n; i++) yield all[i]!;
        throw new Error('archive connection lost');
      }
      await expect(loadStudies(scratch.pool, failingAfter(250), { chunkSize: 100, connections: 1 })).rejects.toThrow('archive connection lost');
      const kept = (await scratch.pool.query('SELECT count(*)::int AS n FROM study')).rows[0].n;
      expect(kept).toBe(200);
      const rerun = await loadStudies(scratch.pool, all, { chunkSize: 100 });
      expect(counts(rerun)).toEqual({ read: 500, inserted: 300, updated: 0, unchanged: 200, duplicates: 0, rejected: 0 });
    } finally {
      await scratch.drop();
    }
  });

  it('keeps what a thinner source (QIDO-RS alone, no viewer base) does not carry when re-loading', () =>
    withLdsLoaded(async (scratch) => {
      const study = lds[20]!;
      const qidoOnly: Record<string, unknown> = { ...toDicomJson(study) };
      for (const tag of ['00080082', '00080080', '00101002', '00100020', '00100021', '00081115']) delete qidoOnly[tag];
      qidoOnly['00100020'] = { vr: 'LO', Value: [study.nhsNumber] };
      qidoOnly['00100021'] = { vr: 'LO', Value: ['NHS'] };
      const file = write('thin.ndjson', JSON.stringify(qidoOnly));
      summaryOf(await loadDicomJsonFile(scratch.pool, { file }));
      const after = await stored(scratch, study.studyInstanceUid);
      expect(after).toMatchObject({ odsCode: study.odsCode, organisationName: study.organisationName, localPatientId: study.localPatientId, viewerUrl: study.viewerUrl });
      expect(after!.series).toHaveLength(study.series!.length);
    }));

  it('reports a missing file as a reason, not an exception', async () => {
    expect(await loadDicomJsonFile(db.pool, { file: path.join(dir, 'nope.ndjson') })).toEqual({
      ok: false,
      reason: `file not found: ${path.join(dir, 'nope.ndjson')}`,
    });
    expect(await loadDicomJsonFile(db.pool, { file: dir })).toEqual({ ok: false, reason: `${dir} is not a file` });
  });
});
