import { compareStudyOrder } from '../../lib/domain/studyOrder';
import { selectHistories } from '../../subgraphs/region/db/studyReads';
import { createTestDatabase, type TestDatabase } from '../support/database';

/**
 * The region sorts a history in SQL and the gateway re-sorts the combined list in
 * JavaScript; `first: N` keeps different studies if the two orders ever disagree.
 */
describe('study order: SQL and comparator agree on real PostgreSQL', () => {
  const nhs = '9990000018';
  let db: TestDatabase;
  // Ties on date and time fall to the UID, where a linguistic collation (which ignores the
  // dots) and code-point order disagree: "1.2.10" vs "1.2.1.9", "1.20" vs "1.3".
  const rows: Array<[uid: string, date: string | null, time: string | null]> = [
    ['1.2.10', '2024-05-01', '10:00:00'],
    ['1.2.1.9', '2024-05-01', '10:00:00'],
    ['1.20', '2024-05-01', '10:00:00'],
    ['1.3', '2024-05-01', '10:00:00'],
    ['2.1', '2024-05-01', '18:30:00'],
    ['2.2', '2024-05-01', null],
    ['3.1', '2019-12-31', '23:59:59'],
    ['3.2', null, '09:00:00'],
    ['3.3', null, null],
    ['3.10', null, null],
  ];

  beforeAll(async () => {
    db = await createTestDatabase('region', 'order');
    for (const [uid, date, time] of rows) {
      await db.pool.query('INSERT INTO study (study_instance_uid, nhs_number, study_date, study_time) VALUES ($1, $2, $3, $4)', [uid, nhs, date, time]);
    }
  });
  afterAll(async () => db?.drop());

  const sqlOrder = async () => (await selectHistories(db.pool, [nhs])).map((r) => r.study_instance_uid);
  const jsOrder = async () =>
    (await selectHistories(db.pool, [nhs]))
      .map((r) => ({ date: r.study_date, time: r.study_time, uid: r.study_instance_uid }))
      .reverse() // start from another order than SQL's
      .sort(compareStudyOrder)
      .map((k) => k.uid);

  it('orders newest first, undated last, UID by code point', async () => {
    expect(await sqlOrder()).toEqual(['2.1', '1.2.1.9', '1.2.10', '1.20', '1.3', '2.2', '3.1', '3.2', '3.10', '3.3']);
    expect(await jsOrder()).toEqual(await sqlOrder());
  });

  it('still agrees when the UID column has a linguistic collation', async () => {
    // ICU numeric ordering puts "1.3" before "1.20"; code-point order does not.
    await db.pool.query(`CREATE COLLATION IF NOT EXISTS test_numeric (provider = icu, locale = 'und-u-kn-true')`);
    const linguistic = 'test_numeric';
    await db.pool.query(`ALTER TABLE study ALTER COLUMN study_instance_uid TYPE text COLLATE "${linguistic}"`);
    // The column's own order now differs from code-point order: the test has teeth.
    const { rows: plain } = await db.pool.query<{ uid: string }>(`SELECT study_instance_uid AS uid FROM study WHERE study_date = '2024-05-01' AND study_time = '10:00:00' ORDER BY study_instance_uid`);
    expect(plain.map((r) => r.uid)).not.toEqual(['1.2.1.9', '1.2.10', '1.20', '1.3']);
    expect(await jsOrder()).toEqual(await sqlOrder());
  });
});
