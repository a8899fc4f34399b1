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

describe('series of studies a load inserts', () => {
  let db: TestDatabase;

  beforeEach(async () => {
    db = await createTestDatabase('region', 'bulkseries');
  });

  afterEach(async () => {
    await db.drop();
  });

  it('follow a new study that takes over a series stored under another study, in a later load', async () => {
    const [a, b] = movedSeries();
    await loadStudies(db.pool, [a]);
    const summary = await loadStudies(db.pool, [b]);
    expect(summary.inserted).toBe(1);
    expect(await studyOfSeries(db, a.series![0]!.seriesInstanceUid)).toEqual({ study: b.studyInstanceUid, description: 'moved here' });
    for (const s of b.series!) expect((await studyOfSeries(db, s.seriesInstanceUid))?.study).toBe(b.studyInstanceUid);
  });

  it('follow it within one load, from one chunk to the next', async () => {
    const [a, b] = movedSeries();
    await loadStudies(db.pool, [a, b], { chunkSize: 1, connections: 1 });
    expect(await studyOfSeries(db, a.series![0]!.seriesInstanceUid)).toEqual({ study: b.studyInstanceUid, description: 'moved here' });
    const { rows } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM series');
    expect(rows[0]!.n).toBe(a.series!.length - 1 + b.series!.length);
  });
});
