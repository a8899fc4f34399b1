import { queryPrepared } from '../../lib/db/queryPrepared';
import { selectHistories } from '../../subgraphs/region/db/studyReads';
import { loadStudies } from '../../subgraphs/region/bulk/loadStudies';
import { generateRegion } from '../../subgraphs/region/synthetic/generateRegion';
import { createTestDatabase, type TestDatabase } from '../support/database';

describe('prepared reads', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase('region', 'prepared');
    await loadStudies(db.pool, generateRegion({ seed: 5, regionCode: 'LDS', regionCodes: ['LDS'], studyCount: 50, viewerBaseUrl: 'https://viewer.example' }));
  });

  afterAll(async () => {
    await db.drop();
  });

  it('still answers on every pooled connection after a migration changes a column the statement returns', async () => {
    const { rows } = await db.pool.query<{ nhs_number: string }>('SELECT nhs_number FROM study LIMIT 1');
    const nhs = rows[0]!.nhs_number;
    // Prepare the statement on every connection of the pool.
    const before = await Promise.all(Array.from({ length: 5 }, () => selectHistories(db.pool, [nhs])));
    await db.pool.query('ALTER TABLE study ALTER COLUMN description TYPE varchar(400)');
    const after = await Promise.all(Array.from({ length: 5 }, () => selectHistories(db.pool, [nhs])));
    expect(after).toEqual(before);
    expect(after[0]!.length).toBeGreaterThan(0);
  });

  it('passes other errors on unchanged', async () => {
    await expect(queryPrepared(db.pool, { name: 'test-broken', text: 'SELECT * FROM no_such_table WHERE x = $1', values: [1] })).rejects.toThrow(/no_such_table/);
  });
});
