import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stopChild } from '../../dev/spawnService';
import { freePort } from '../../lib/net/freePort';

const ROOT = path.resolve(__dirname, '..', '..');

function demoEnv(dataDir: string, port: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: String(port), DEMO_STUDIES: '20' };
  // Its own embedded PostgreSQL, and its default (quiet) logging.
  delete env.DATABASE_URL;
  delete env.LOG_LEVEL;
  return env;
}

/** `npm start` as a user runs it, with a small data set in a directory of its own. */
function startDemo(dataDir: string, port: number): { child: ChildProcess; output: () => string; waitFor: (pattern: RegExp, ms: number) => Promise<void> } {
  const child = spawn(path.join(ROOT, 'node_modules', '.bin', 'tsx'), ['scripts/start.ts'], {
    cwd: ROOT,
    env: demoEnv(dataDir, port),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const waitFor = async (pattern: RegExp, ms: number) => {
    const deadline = Date.now() + ms;
    while (!pattern.test(out)) {
      if (Date.now() > deadline) throw new Error(`npm start did not print ${pattern} within ${ms} ms:\n${out}`);
      if (child.exitCode !== null && !pattern.test(out)) throw new Error(`npm start exited (${child.exitCode}) without printing ${pattern}:\n${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  return { child, output: () => out, waitFor };
}

describe('npm start, the demo', () => {
  it('keeps serving when one region dies, and a second npm start on the same data says what to do', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'demo-start-'));
    fs.chmodSync(dataDir, 0o755);
    const port = await freePort();
    const demo = startDemo(dataDir, port);
    try {
      await demo.waitFor(/Press Ctrl-C to stop everything/, 150_000);
      const lds = (() => {
        for (const entry of fs.readdirSync('/proc')) {
          if (!/^\d+$/.test(entry)) continue;
          try {
            const env = fs.readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0');
            const cmd = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8');
            const url = env.find((e) => e.startsWith('GATEWAY_URL='));
            if (cmd.includes('subgraphs/region/index.ts') && env.includes('REGION_CODE=LDS') && url === `GATEWAY_URL=http://127.0.0.1:${port}`) return Number(entry);
          } catch {
            // gone
          }
        }
        throw new Error('no LDS region process of this demo');
      })();
      process.kill(lds, 'SIGKILL');
      await demo.waitFor(/LDS exited \(SIGKILL\); the gateway keeps serving the other regions/, 20_000);
      await new Promise((r) => setTimeout(r, 1000));
      expect(demo.child.exitCode).toBeNull();
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);

      const second = startDemo(dataDir, await freePort());
      await second.waitFor(/another npm start \(pid \d+\) is already running/, 60_000);
      await new Promise((r) => second.child.exitCode !== null ? r(null) : second.child.once('exit', r));
      expect(second.output()).not.toMatch(/Cannot read properties/);
    } finally {
      await stopChild(demo.child, 20_000);
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 240_000);
});
