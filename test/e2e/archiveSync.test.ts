import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Pool } from 'pg';
import { generateRegion } from '../../subgraphs/region/synthetic/generateRegion';
import { postGraphQL } from '../support/postGraphQL';
import { ORTHANC_SETUP_TIMEOUT_MS, startOrthanc, type RunningOrthanc } from '../support/startOrthanc';
import { startTopology, type Topology } from '../support/startTopology';
import { writeDicomFiles } from '../support/writeDicomFile';

const PUBLIC_BASE = 'https://pacs.syx.example.nhs.uk/dicomweb';
const HISTORY = `query($nhs: String!, $gone: Boolean) {
  patient(nhsNumber: $nhs) { imagingHistory(filter: { includeNotInArchive: $gone }) { complete studies { studyInstanceUid status retrieve { wadoRsUrl } } } }
}`;

describe('a region fed by its own archive, seen through the national gateway', () => {
  let orthanc: RunningOrthanc;
  let topology: Topology;
  const generated = [...generateRegion({ seed: 53, regionCode: 'SYX', regionCodes: ['SYX'], studyCount: 20 })];
  const study = generated[0];
  // Other patients' studies, so the histories are independent: one to delete, one to keep.
  const other = generated.find((g) => g.nhsNumber !== study!.nhsNumber);
  const kept = generated.find((g) => g.nhsNumber !== study!.nhsNumber && g.nhsNumber !== other!.nhsNumber);
  const history = async (nhs: string, gone = false) => {
    const res = await topology.query(HISTORY, { nhs, gone });
    expect(res.errors).toBeUndefined();
    return res.data.patient.imagingHistory.studies as Array<{ studyInstanceUid: string; status: string; retrieve: { wadoRsUrl: string } }>;
  };
  const eventually = async (check: () => Promise<boolean>) => {
    const deadline = Date.now() + 20_000;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error('not within 20 s');
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  beforeAll(async () => {
    orthanc = await startOrthanc();
    for (const s of [other!, kept!]) for (const file of writeDicomFiles(s, { placement: 'otherPatientIdsSequence-NHS' })) await orthanc.upload(file);
    const configFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sync-e2e-')), 'sync.json');
    fs.writeFileSync(configFile, JSON.stringify({
      pollSeconds: 0.3,
      reconcileSeconds: 1,
      archives: [{ name: 'syx-orthanc', dicomweb: orthanc.dicomwebUrl, publicBase: PUBLIC_BASE, changeFeed: 'orthanc', maxRemoveShare: 1 }],
    }));
    topology = await startTopology({ regions: [{ code: 'SYX', name: 'Synthetic Sync Region', studies: [], env: { SYNC_CONFIG: configFile, CACHE_TTL_SECONDS: '1' } }] });
    // The region's first pass has indexed what the archive held at start.
    await eventually(async () => (await history(other!.nhsNumber)).length === 1 && (await history(kept!.nhsNumber)).length === 1);
  }, ORTHANC_SETUP_TIMEOUT_MS + 60_000);

  afterAll(async () => {
    await Promise.all([topology?.stop(), orthanc?.stop()]);
  });

  it('shows a new study from the archive in the national answer, with its public retrieve link, after one sync pass', async () => {
    for (const file of writeDicomFiles(study!, { placement: 'patientId-NHS', studyTime: '10' })) await orthanc.upload(file);
    await eventually(async () => (await history(study!.nhsNumber)).length === 1);
    expect(await history(study!.nhsNumber)).toEqual([
      { studyInstanceUid: study!.studyInstanceUid, status: 'AVAILABLE', retrieve: { wadoRsUrl: `${PUBLIC_BASE}/studies/${study!.studyInstanceUid}` } },
    ]);
    // The sync itself told the gateway of the new patient (as /ingest does), not just the gateway's polling.
    const pool = new Pool({ connectionString: topology.regions.get('SYX')!.databaseUrl, max: 1 });
    try {
      const { rows } = await pool.query(
        `SELECT (SELECT published_seq FROM membership_state)::int AS published, (SELECT max(seq) FROM membership_change WHERE study_uid = $1)::int AS added`,
        [study!.studyInstanceUid],
      );
      expect(rows[0].published).toBeGreaterThanOrEqual(rows[0].added);
    } finally {
      await pool.end();
    }
  });

  it('takes a study deleted from the archive out of the history, keeping it under its own status when asked for', async () => {
    await orthanc.deleteStudy(other!.studyInstanceUid);
    await eventually(async () => (await history(other!.nhsNumber)).length === 0);
    expect(await history(other!.nhsNumber, true)).toEqual([expect.objectContaining({ studyInstanceUid: other!.studyInstanceUid, status: 'NOT_IN_ARCHIVE' })]);
  });

  it('lets the region team read its sync status, quarantine and own studies on /ingest, audited in the region', async () => {
    const region = topology.regions.get('SYX')!;
    const headers = await topology.auth.headers({ role: 'ARCHIVE', region: 'SYX', sub: 'syx-team' });
    const res = await postGraphQL<any>(region.ingestUrl, `query($nhs: String!) {
      syncStatus { archive lastChangeSeq lagSeconds studies notInArchive quarantined lastPass { seen errors } }
      quarantine { studyInstanceUid reasons }
      indexedStudies(nhsNumber: $nhs) { studyInstanceUid status archives wadoRsUrl }
    }`, { nhs: kept!.nhsNumber }, headers);
    expect(res.errors).toBeUndefined();
    expect(res.data.syncStatus).toEqual([expect.objectContaining({ archive: 'syx-orthanc', quarantined: 0, lastPass: expect.objectContaining({ errors: 0 }) })]);
    expect(res.data.quarantine).toEqual([]);
    expect(res.data.indexedStudies).toEqual([{ studyInstanceUid: kept!.studyInstanceUid, status: 'AVAILABLE', archives: ['syx-orthanc'], wadoRsUrl: `${PUBLIC_BASE}/studies/${kept!.studyInstanceUid}` }]);
    const pool = new Pool({ connectionString: region.databaseUrl, max: 1 });
    try {
      const audit = await pool.query(`SELECT user_id, role, operation, nhs_numbers, result_count FROM region_audit_event ORDER BY id`);
      expect(audit.rows).toEqual(expect.arrayContaining([{ user_id: 'syx-team', role: 'ARCHIVE', operation: 'indexedStudies', nhs_numbers: [kept!.nhsNumber], result_count: 1 }]));
      await expect(pool.query('DELETE FROM region_audit_event')).rejects.toThrow(/append-only/);
    } finally {
      await pool.end();
    }
    // Another region's archive, and a clinician, see nothing here.
    for (const claims of [{ role: 'ARCHIVE', region: 'LDS' }, { role: 'CLINICIAN', purposeOfUse: 'DIRECT_CARE' }] as const) {
      const refused = await postGraphQL<any>(region.ingestUrl, `{ indexedStudies(nhsNumber: "${kept!.nhsNumber}") { studyInstanceUid } }`, {}, await topology.auth.headers(claims));
      expect([refused.status, refused.data?.indexedStudies]).toEqual([403, undefined]);
    }
  });

  it('publishes sync lag and counts as Prometheus metrics', async () => {
    const region = topology.regions.get('SYX')!;
    const text = await (await fetch(region.url.replace(/\/graphql$/, '/metrics'))).text();
    expect(text).toMatch(/region_sync_studies_total\{archive="syx-orthanc",outcome="upserted"\} [1-9]/);
    expect(text).toMatch(/region_sync_change_lag\{archive="syx-orthanc"\} \d+/);
  });
});
