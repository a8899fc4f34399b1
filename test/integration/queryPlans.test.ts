import { activitySql } from '../../subgraphs/region/db/selectActivity';
import { HISTORIES_SQL } from '../../subgraphs/region/db/studyReads';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { testNhsNumber } from '../support/studyInputs';

/**
 * The indexes must fit the access paths at a realistic size: 60,000 studies of 20,000
 * patients over 15 years, with a real modality mix, planned with fresh statistics.
 */
describe('query plans on a realistic regional index', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase('region', 'plans');
    await db.pool.query(`
      INSERT INTO study (study_instance_uid, nhs_number, study_date, study_time, modalities, status)
      SELECT '1.2.826.0.1.3680043.10.998.' || g,
             '999' || lpad((g % 20000)::text, 7, '0'),
             date '2010-01-01' + (g * 7919 % 5475),
             time '08:00' + make_interval(mins => g % 600),
             ARRAY[(ARRAY['CR','CR','CR','DX','CT','CT','MR','US','US','MG','NM','PT'])[1 + g % 12]],
             CASE WHEN g % 200 = 0 THEN 'ENTERED_IN_ERROR' ELSE 'AVAILABLE' END
      FROM generate_series(1, 60000) AS g`);
    await db.pool.query('ANALYZE study');
  }, 60_000);
  afterAll(async () => db.drop());

  async function plan(sql: string, params: unknown[]): Promise<string> {
    const { rows } = await db.pool.query(`EXPLAIN ${sql}`, params);
    return rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n');
  }

  it('finds patient histories through the NHS number index, not a table scan', async () => {
    const p = await plan(HISTORIES_SQL, [[testNhsNumber(1), '9990000042', '9990000123']]);
    expect(p).toMatch(/Index Scan using study_patient_history_idx|Bitmap Index Scan on study_patient_history_idx/);
    expect(p).not.toMatch(/Seq Scan on study/);
  });

  it('counts a month of activity through the study date index', async () => {
    const { sql, params } = activitySql({ groupBy: new Set(['MODALITY']), from: '2020-03-01', to: '2020-03-31', modalities: null });
    const p = await plan(sql, params);
    expect(p).toMatch(/Index Scan using study_date_idx|Bitmap Index Scan on study_date_idx/);
    expect(p).not.toMatch(/Seq Scan on study/);
  });

  it('counts a rare modality through the modalities GIN index', async () => {
    const { sql, params } = activitySql({ groupBy: new Set(['MONTH']), from: null, to: null, modalities: ['PT'] });
    const p = await plan(sql, params);
    expect(p).toMatch(/Bitmap Index Scan on study_modalities_idx/);
  });
});
