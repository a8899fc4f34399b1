import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../../dev/spawnService';
import { generateRegion } from '../../subgraphs/region/synthetic/generateRegion';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { ORTHANC_SETUP_TIMEOUT_MS, startOrthanc, type RunningOrthanc } from '../support/startOrthanc';
import { writeDicomFiles } from '../support/writeDicomFile';

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

const STUDIES = 80;

/** An HTTP proxy to Orthanc that holds every answer for `delayMs`: a slow archive, so a kill lands mid-page. */
async function startSlowArchive(targetUrl: string, delayMs: number): Promise<{ url: string; stop(): Promise<void> }> {
  const target = new URL(targetUrl);
  const server = http.createServer((req, res) => {
    const upstream = http.request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
      const body: Buffer[] = [];
      answer.on('data', (c: Buffer) => body.push(c));
      answer.on('end', () =>
        setTimeout(() => {
          if (res.destroyed) return;
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          res.end(Buffer.concat(body));
        }, delayMs),
      );
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('npm run sync', () => {
  let orthanc: RunningOrthanc;
  let db: TestDatabase;
  let configFile: string;
  const scratch: TestDatabase[] = [];
  const studies = [...generateRegion({ seed: 47, regionCode: 'SYC', regionCodes: ['SYC'], studyCount: STUDIES })];
  const seriesTotal = studies.reduce((n, s) => n + (s.series?.length ?? 0), 0);

  /** Runs the command as an operator would; `whileRunning` may kill it. */
  const sync = (args: string[], env: Record<string, string | undefined>, whileRunning?: (kill: () => void) => Promise<void>): Promise<Run> =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'subgraphs/region/cli/sync.ts'), ...args], {
        cwd: ROOT,
        env: { ...process.env, DATABASE_URL: undefined, LOG_LEVEL: 'info', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr }));
      whileRunning?.(() => child.kill('SIGKILL')).catch(reject);
    });
  // No gateway: a pass that adds studies waits one lease, kept short here.
  const env = (target: TestDatabase = db) => ({ REGION_CODE: 'SYC', DATABASE_URL: target.url, LOCATOR_LEASE_MS: '100' });
  const count = async (sql: string, target: TestDatabase = db) => (await target.pool.query<{ n: number }>(sql)).rows[0]!.n;
  const passLines = (run: Run) => run.stdout.trim().split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>);

  beforeAll(async () => {
    [orthanc, db] = await Promise.all([startOrthanc(), createTestDatabase('region', 'synccli')]);
    for (const study of studies) for (const file of writeDicomFiles(study, { placement: 'otherPatientIdsSequence-NHS' })) await orthanc.upload(file);
    configFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sync-config-')), 'sync.json');
    fs.writeFileSync(configFile, JSON.stringify({ archives: [{ name: 'syc-orthanc', dicomweb: orthanc.dicomwebUrl, changeFeed: 'orthanc', pageSize: 2 }] }));
  }, ORTHANC_SETUP_TIMEOUT_MS + 60_000);

  afterAll(async () => {
    await Promise.all([orthanc?.stop(), db?.drop(), ...scratch.map((d) => d.drop())]);
  });

  it('says exactly what is missing when DATABASE_URL is not set', async () => {
    const run = await sync(['--dicomweb', 'http://127.0.0.1:9/dicom-web', '--once'], { REGION_CODE: 'SYC' });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/DATABASE_URL is not set/);
    expect(run.stderr).toMatch(/SYNC_CONFIG/);
    expect(run.stdout).toBe('');
  });

  it('exits non-zero with --once when the archive cannot be read', async () => {
    const run = await sync(['--dicomweb', 'http://127.0.0.1:9/dicom-web', '--once'], env());
    expect(run.code).toBe(1);
    expect(passLines(run)).toEqual([expect.objectContaining({ event: 'sync-pass', completed: false, errors: 1, removed: 0 })]);
  });

  it('resumes after being killed mid-pass with no study missing and none twice', async () => {
    // A region database of its own: the kills below need a pass with everything still to do.
    const fresh = await createTestDatabase('region', 'synccrash');
    scratch.push(fresh);
    let atKill = 0;
    const slow = await startSlowArchive(orthanc.url, 15);
    const slowConfig = path.join(path.dirname(configFile), 'slow.json');
    fs.writeFileSync(slowConfig, JSON.stringify({ archives: [{ name: 'syc-orthanc', dicomweb: `${slow.url}/dicom-web`, pageSize: 2 }] }));
    // Killed three times, each a different while after it wrote something new, so that at
    // least one kill lands between reading a page and writing it.
    try {
      for (const afterMs of [40, 75, 110]) {
        const before = await count('SELECT count(*)::int AS n FROM study', fresh);
        const killed = await sync(['--config', slowConfig, '--once'], env(fresh), async (kill) => {
          const deadline = Date.now() + 20_000;
          for (;;) {
            atKill = await count('SELECT count(*)::int AS n FROM study', fresh);
            if (atKill > before || Date.now() > deadline) {
              await new Promise((r) => setTimeout(r, afterMs));
              return kill();
            }
            await new Promise((r) => setTimeout(r, 5));
          }
        });
        expect(killed.signal).toBe('SIGKILL');
      }
    } finally {
      await slow.stop();
    }
    atKill = await count('SELECT count(*)::int AS n FROM study', fresh);
    expect(atKill).toBeGreaterThan(0);
    expect(atKill).toBeLessThan(STUDIES);
    const rerun = await sync(['--config', configFile, '--once'], env(fresh));
    expect(rerun.code).toBe(0);
    const [line] = passLines(rerun);
    expect(line).toMatchObject({ event: 'sync-pass', archive: 'syc-orthanc', seen: STUDIES, quarantined: 0, removed: 0, errors: 0, completed: true });
    expect((line!.upserted as number) + (line!.unchanged as number)).toBe(STUDIES);
    expect(line!.upserted as number).toBeLessThan(STUDIES);
    const { rows } = await fresh.pool.query<{ study_instance_uid: string }>('SELECT study_instance_uid FROM study ORDER BY 1');
    expect(rows.map((r) => r.study_instance_uid)).toEqual(studies.map((st) => st.studyInstanceUid).sort());
    expect(await count('SELECT count(*)::int AS n FROM series', fresh)).toBe(seriesTotal);
  });

  it('asks for --confirm-removals (exit 3) before removing more than 5% of the archive\'s studies', async () => {
    expect((await sync(['--config', configFile, '--once'], env())).code).toBe(0);
    const gone = studies.slice(0, 6);
    for (const st of gone) await orthanc.deleteStudy(st.studyInstanceUid);
    const held = await sync(['--config', configFile, '--once'], env());
    expect(held.code).toBe(3);
    expect(passLines(held)[0]).toMatchObject({ reconciliation: 'held', removed: 0 });
    expect(await count(`SELECT count(*)::int AS n FROM study WHERE status = 'NOT_IN_ARCHIVE'`)).toBe(0);
    const confirmed = await sync(['--config', configFile, '--once', '--confirm-removals'], env());
    expect(confirmed.code).toBe(0);
    expect(passLines(confirmed)[0]).toMatchObject({ reconciliation: 'done', removed: gone.length });
    expect(await count(`SELECT count(*)::int AS n FROM study WHERE status = 'NOT_IN_ARCHIVE'`)).toBe(gone.length);
    // Put the archive back as it was, so no other test depends on running before this one.
    for (const st of gone) for (const file of writeDicomFiles(st, { placement: 'otherPatientIdsSequence-NHS' })) await orthanc.upload(file);
    expect((await sync(['--config', configFile, '--once'], env())).code).toBe(0);
    expect(await count(`SELECT count(*)::int AS n FROM study WHERE status = 'NOT_IN_ARCHIVE'`)).toBe(0);
  });
});
