import fs from 'node:fs';
import path from 'node:path';
import type { Pool } from 'pg';

/** Directory of plain SQL migrations for one kind of database. */
export type MigrationSet = 'region' | 'national';

const MIGRATIONS_ROOT = path.resolve(__dirname, '..', '..', 'schema', 'migrations');

/**
 * Applies `schema/migrations/<set>/*.sql` in file-name order, each once, each in its own
 * transaction. An advisory lock makes concurrent starts (several replicas) safe.
 * Returns the names of the files it applied.
 */
export async function migrate(pool: Pool, set: MigrationSet): Promise<string[]> {
  const dir = path.join(MIGRATIONS_ROOT, set);
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.sql')).sort();
  const client = await pool.connect();
  const applied: string[] = [];
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [`migrate:${set}`]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const done = new Set((await client.query<{ name: string }>('SELECT name FROM schema_migrations')).rows.map((r) => r.name));
    for (const file of files) {
      if (done.has(file)) continue;
      const sql = fs.readFileSync(path.join(dir, file), 'utf8');
      await client.query('BEGIN');
      try {
        await client.query(sql);
        await client.query('INSERT INTO schema_migrations (name) VALUES ($1)', [file]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw new Error(`migration ${set}/${file} failed: ${(err as Error).message}`);
      }
      applied.push(file);
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock(hashtext($1))', [`migrate:${set}`]).catch(() => undefined);
    client.release();
  }
  return applied;
}
