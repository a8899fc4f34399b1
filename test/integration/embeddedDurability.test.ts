import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { Pool } from 'pg';
import { adminUrl } from '../support/database';

const ROOT = path.resolve(__dirname, '..', '..');

const settings = async (url: string) => {
  const pool = new Pool({ connectionString: url, max: 1 });
  try {
    const { rows } = await pool.query<{ name: string; setting: string }>("SELECT name, setting FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit') ORDER BY name");
    return Object.fromEntries(rows.map((r) => [r.name, r.setting]));
  } finally {
    await pool.end();
  }
};

describe('the embedded PostgreSQL', () => {
  it('is durable by default: fsync and synchronous_commit on, so an acknowledged audit row survives a power cut', async () => {
    const { stdout } = await promisify(execFile)(path.join(ROOT, 'node_modules', '.bin', 'tsx'), ['test/support/printEmbeddedSettings.ts'], { cwd: ROOT, timeout: 100_000 });
    expect(JSON.parse(stdout)).toEqual({ fsync: 'on', synchronous_commit: 'on' });
  }, 120_000);

  it('is not durable only where a test asks for that explicitly (the shared test server)', async () => {
    if (process.env.DATABASE_URL) return; // an external server: its own settings
    expect(await settings(adminUrl())).toEqual({ fsync: 'off', synchronous_commit: 'off' });
  });
});
