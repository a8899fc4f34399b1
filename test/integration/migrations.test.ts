import { migrate } from '../../lib/db/migrate';
import { createTestDatabase, type TestDatabase } from '../support/database';

describe('region migrations', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('region');
  });
  afterAll(async () => db.drop());

  it('creates the study and series tables and records what it applied', async () => {
    const tables = await db.pool.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`);
    expect(tables.rows.map((r) => r.tablename)).toEqual(['deferred_index', 'gateway_nonce', 'membership_change', 'membership_state', 'region_audit_event', 'schema_migrations', 'series', 'study', 'sync_archive', 'sync_quarantine', 'sync_study']);
  });

  it('applies nothing the second time', async () => {
    expect(await migrate(db.pool, 'region')).toEqual([]);
  });
});
