import { loadStudies } from '../../subgraphs/region/bulk/loadStudies';
import type { StudyRecord } from '../../subgraphs/region/StudyRecord';
import { generateRegion } from '../../subgraphs/region/synthetic/generateRegion';
import { createTestDatabase, type TestDatabase } from '../support/database';

/** Two generated studies, the second carrying one series of the first plus its own. */
function movedSeries(): [StudyRecord, StudyRecord] {
  const [a, b] = [...generateRegion({ seed: 11, regionCode: 'LDS', regionCodes: ['LDS'], studyCount: 2, viewerBaseUrl: 'https://viewer.example' })] as [StudyRecord, StudyRecord];
  const moved = a.series![0]!;
  return [a, { ...b, series: [{ ...moved, description: 'moved here' }, ...b.series!] }];
}

async function studyOfSeries(db: TestDatabase, seriesUid: string): Promise<{ study: string; description: string | null } | undefined> {
  const { rows } = await db.pool.query<{ study: string; description: string | null }>('SELECT study_instance_uid AS study, description FROM series WHERE series_instance_uid = $1', [seriesUid]);
  return rows[0];
}

describe('a first load into an empty index', () => {
  let db: TestDatabase;

  beforeEach(async () => {
    db = await createTestDatabase('region', 'bulkseries');
  });

  afterEach(async () => {
    await db.drop();
  });

  it('updates a study it meets again in a later chunk, as the merge does', async () => {
    const [a] = movedSeries();
    const again = { ...a, description: 'corrected', series: a.series!.slice(1) };
    const summary = await loadStudies(db.pool, [a, again], { chunkSize: 1, connections: 1 });
    expect({ inserted: summary.inserted, updated: summary.updated }).toEqual({ inserted: 1, updated: 1 });
    const { rows } = await db.pool.query<{ description: string; status: string; series: number }>(
      'SELECT description, status, (SELECT count(*)::int FROM series WHERE study_instance_uid = $1) AS series FROM study WHERE study_instance_uid = $1',
      [a.studyInstanceUid],
    );
    expect(rows).toEqual([{ description: 'corrected', status: 'AVAILABLE', series: a.series!.length - 1 }]);
  });

  it('stores a new study exactly as a load into a non-empty index does', async () => {
    const [generated, b] = movedSeries();
    // No status and some fields the archive did not say: the merge's rules for a new row.
    const a: StudyRecord = { ...generated, status: null, unsaid: ['description', 'viewerUrl'] };
    await loadStudies(db.pool, [a]);
    const other = await createTestDatabase('region', 'bulkseries');
    try {
      await loadStudies(other.pool, [b]);
      await loadStudies(other.pool, [a]);
      const row = (d: TestDatabase) => d.pool.query('SELECT * FROM study WHERE study_instance_uid = $1', [a.studyInstanceUid]).then((r) => ({ ...r.rows[0], updated_at: null }));
      expect(await row(db)).toEqual(await row(other));
    } finally {
      await other.drop();
    }
  });

  it('moves a series stored under another study to the new study that carries it, in a later load', async () => {
    const [a, b] = movedSeries();
    await loadStudies(db.pool, [a]);
    const summary = await loadStudies(db.pool, [b]);
    expect(summary.inserted).toBe(1);
    expect(await studyOfSeries(db, a.series![0]!.seriesInstanceUid)).toEqual({ study: b.studyInstanceUid, description: 'moved here' });
    for (const s of b.series!) expect((await studyOfSeries(db, s.seriesInstanceUid))?.study).toBe(b.studyInstanceUid);
  });

  it('moves it within one load, from one chunk to the next', async () => {
    const [a, b] = movedSeries();
    await loadStudies(db.pool, [a, b], { chunkSize: 1, connections: 1 });
    expect(await studyOfSeries(db, a.series![0]!.seriesInstanceUid)).toEqual({ study: b.studyInstanceUid, description: 'moved here' });
    const { rows } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM series');
    expect(rows[0]!.n).toBe(a.series!.length - 1 + b.series!.length);
  });
});
