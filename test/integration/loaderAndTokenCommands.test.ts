import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../../dev/spawnService';
import { generateRegion } from '../../subgraphs/region/synthetic/generateRegion';
import { toDicomJson } from '../../subgraphs/region/synthetic/toDicomJson';
import { createTestDatabase, type TestDatabase } from '../support/database';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], env: Record<string, string | undefined>, stdin = ''): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, DATABASE_URL: undefined, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

const bulkLoad = (args: string[], env: Record<string, string | undefined>, stdin = '') =>
  run(process.execPath, ['--import', 'tsx', path.join(ROOT, 'subgraphs/region/cli/bulkLoad.ts'), ...args], env, stdin);

describe('the bulk loader and token commands', () => {
  let db: TestDatabase;
  let dir: string;
  const studies = [...generateRegion({ seed: 61, regionCode: 'BLK', regionCodes: ['BLK'], studyCount: 5 })];
  const ndjson = (records: typeof studies) => records.map((r) => JSON.stringify(toDicomJson(r))).join('\n');

  beforeAll(async () => {
    db = await createTestDatabase('region', 'blkcli');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-commands-'));
  });
  afterAll(async () => {
    await db.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('loads studies from standard input with --file -', async () => {
    const loaded = await bulkLoad(['--file', '-', '--rejects', path.join(dir, 'stdin.rejects.ndjson')], { DATABASE_URL: db.url }, ndjson(studies));
    expect(loaded.code).toBe(0);
    expect(JSON.parse(loaded.stdout)).toMatchObject({ read: 5, inserted: 5, rejected: 0 });
  });

  it('exits non-zero and says so loudly when it stored nothing', async () => {
    const bad = studies.map((s) => ({ ...s, studyInstanceUid: `${s.studyInstanceUid}.9`, nhsNumber: `${s.nhsNumber.slice(0, 9)}${(Number(s.nhsNumber[9]) + 1) % 10}` }));
    const file = path.join(dir, 'bad.ndjson');
    fs.writeFileSync(file, ndjson(bad));
    const loaded = await bulkLoad(['--file', file], { DATABASE_URL: db.url });
    expect(loaded.code).toBe(1);
    expect(loaded.stderr).toMatch(/NOTHING WAS LOADED: 5 records read, 5 refused/);
  });

  it('loads into the region\'s embedded database when DATABASE_URL is not set, as the region does', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-embedded-'));
    fs.chmodSync(dataDir, 0o777);
    try {
      const loaded = await bulkLoad(['--file', '-', '--rejects', path.join(dir, 'e.rejects.ndjson')], { REGION_CODE: 'BLK', DATA_DIR: dataDir }, ndjson(studies.slice(0, 2)));
      expect(loaded.code).toBe(0);
      expect(JSON.parse(loaded.stdout)).toMatchObject({ inserted: 2 });
      expect(fs.existsSync(path.join(dataDir, 'region-blk'))).toBe(true);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);

  it('issues a token from the keys in DATA_DIR and prints only the token', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-token-'));
    try {
      const issued = await run('npm', ['run', '-s', 'token', '--', '--role', 'ADMIN'], { DATA_DIR: dataDir });
      expect(issued.code).toBe(0);
      expect(issued.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
      expect(fs.existsSync(path.join(dataDir, 'demo-keys'))).toBe(true);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
