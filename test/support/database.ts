import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { ensureDatabase, withDatabase } from '../../lib/db/createPool';
import { migrate, type MigrationSet } from '../../lib/db/migrate';

export interface TestDatabase {
  url: string;
  pool: Pool;
  /** Drops the database. */
  drop(): Promise<void>;
}

/** The test PostgreSQL's maintenance database (test/support/globalSetup.ts). */
export function adminUrl(): string {
  const url = process.env.TEST_PG_ADMIN_URL;
  if (!url) throw new Error('TEST_PG_ADMIN_URL is not set: run tests through jest (test/support/globalSetup.ts)');
  return url;
}

/** A fresh, empty database on the test PostgreSQL; returns its name. */
export async function createEmptyDatabase(prefix: string): Promise<string> {
  const name = `t_${prefix}_${randomBytes(4).toString('hex')}`;
  await ensureDatabase(adminUrl(), name);
  return name;
}

/** Drops the named test databases. */
export async function dropDatabases(names: readonly string[]): Promise<void> {
  const admin = new Pool({ connectionString: adminUrl(), max: 1 });
  try {
    for (const name of names) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

/** A fresh, migrated database on the test PostgreSQL, private to the calling test file. */
export async function createTestDatabase(set: MigrationSet, prefix: string = set): Promise<TestDatabase> {
  const name = await createEmptyDatabase(prefix);
  const url = withDatabase(adminUrl(), name);
  const pool = new Pool({ connectionString: url, max: 5 });
  pool.on('error', () => undefined);
  await migrate(pool, set);
  return {
    url,
    pool,
    drop: async () => {
      await pool.end();
      await dropDatabases([name]);
    },
  };
}
