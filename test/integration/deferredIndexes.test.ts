import { deferSecondaryIndexesIfEmpty, restoreDeferredIndexes } from '../../subgraphs/region/bulk/deferSecondaryIndexes';
import { loadStudies } from '../../subgraphs/region/bulk/loadStudies';
import type { StudyRecord } from '../../subgraphs/region/StudyRecord';
import { generateRegion } from '../../subgraphs/region/synthetic/generateRegion';
import { createTestDatabase, type TestDatabase } from '../support/database';

const REGIONS = ['LDS', 'LON', 'MAN'];

function studies(studyCount: number, seed = 7): StudyRecord[] {
  return [...generateRegion({ seed, regionCode: 'LDS', regionCodes: REGIONS, studyCount, viewerBaseUrl: 'https://viewer.lds.example.nhs.uk' })];
}

/** Every index and constraint of the two tables, with its full definition. */
async function indexes(db: TestDatabase): Promise<string[]> {
  const { rows } = await db.pool.query<{ d: string }>(
    `SELECT d FROM (SELECT indexname AS n, indexdef AS d FROM pg_indexes WHERE tablename IN ('study', 'series')
       UNION ALL SELECT conname, conrelid::regclass || ' ' || pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid IN ('study'::regclass, 'series'::regclass)) x
     ORDER BY n, d`,
  );
  return rows.map((r) => r.d);
}

async function deferred(db: TestDatabase): Promise<number> {
  return (await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM deferred_index')).rows[0]!.n;
}

/** Studies whose (NHS number, UID) is missing from the membership log: the locator would skip them. */
async function missingFromMembership(db: TestDatabase): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM study s WHERE NOT EXISTS (SELECT 1 FROM membership_change m WHERE m.study_uid = s.study_instance_uid AND m.nhs_number = s.nhs_number)`,
  );
  return rows[0]!.n;
}

describe('bulk loads into an empty index build secondary indexes and check foreign keys once, afterwards', () => {
  let db: TestDatabase;
  let migrated: string[];

  beforeEach(async () => {
    db = await createTestDatabase('region', 'deferidx');
    migrated = await indexes(db);
  });

  afterEach(async () => {
    await db.drop();
  });

  it('loads without the secondary indexes and ends with exactly the indexes of the migrations and a complete membership log', async () => {
    const during: number[] = [];
    const records = studies(3000);
    const summary = await loadStudies(db.pool, records, { chunkSize: 500, onProgress: () => void indexes(db).then((i) => during.push(i.length)) });
    expect(summary.inserted).toBe(3000);
    expect(Math.min(...during)).toBeLessThan(migrated.length);
    expect(await indexes(db)).toEqual(migrated);
    expect(await deferred(db)).toBe(0);
    expect(await missingFromMembership(db)).toBe(0);
    const plan = await db.pool.query(`EXPLAIN SELECT * FROM study WHERE nhs_number = $1 ORDER BY study_date DESC, study_time DESC`, [records[0]!.nhsNumber]);
    expect(plan.rows.map((r) => r['QUERY PLAN']).join('\n')).toMatch(/study_patient_history_idx/);
  });

  it('keeps every index maintained when the index already holds studies', async () => {
    await loadStudies(db.pool, studies(10, 1));
    const during: number[] = [];
    await loadStudies(db.pool, studies(2000), { chunkSize: 500, onProgress: () => void indexes(db).then((i) => during.push(i.length)) });
    expect(during.length).toBeGreaterThan(0);
    expect(Math.min(...during)).toBe(migrated.length);
    expect(await missingFromMembership(db)).toBe(0);
  });

  it('builds the indexes even when the load fails part-way', async () => {
    function* failing(): Generator<StudyRecord> {
      yield* studies(1500);
      throw new Error('archive export broke');
    }
    await expect(loadStudies(db.pool, failing(), { chunkSize: 500 })).rejects.toThrow('archive export broke');
    expect(await indexes(db)).toEqual(migrated);
    expect(await deferred(db)).toBe(0);
    expect(await missingFromMembership(db)).toBe(0);
  });

  it('builds indexes a killed load left deferred (region start, or the next load)', async () => {
    expect((await deferSecondaryIndexesIfEmpty(db.pool)).length).toBeGreaterThan(0);
    expect(await indexes(db)).not.toEqual(migrated);
    // What subgraphs/region/index.ts runs before serving:
    expect((await restoreDeferredIndexes(db.pool, 1)).length).toBeGreaterThan(0);
    expect(await indexes(db)).toEqual(migrated);
    expect(await restoreDeferredIndexes(db.pool)).toEqual([]);
  });

  it('refuses series of a study that does not exist, even when its foreign key was deferred', async () => {
    await deferSecondaryIndexesIfEmpty(db.pool);
    await db.pool.query(`INSERT INTO series (series_instance_uid, study_instance_uid) VALUES ('1.2.3.4', '1.2.3')`);
    // One connection, as at region start: the foreign key comes first by name and fails.
    await expect(restoreDeferredIndexes(db.pool, 1)).rejects.toThrow(/foreign key/);
    // It stays recorded; every index after it is built all the same.
    expect((await db.pool.query<{ name: string }>('SELECT name FROM deferred_index')).rows.map((r) => r.name)).toEqual([expect.stringMatching(/fkey/)]);
    await db.pool.query('DELETE FROM series');
    await restoreDeferredIndexes(db.pool, 1);
    expect(await indexes(db)).toEqual(migrated);
  });

  it('defers nothing when the index holds a study', async () => {
    await loadStudies(db.pool, studies(1, 3));
    expect(await deferSecondaryIndexesIfEmpty(db.pool)).toEqual([]);
    expect(await indexes(db)).toEqual(migrated);
  });
});
