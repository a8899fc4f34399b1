import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { request } from 'undici';
import { parseListeningLine, ROOT, stopChild } from '../dev/spawnService';
import { benchProcessEnv, type ServiceRole } from './benchAuth';
import { cpuSeconds, peakRssMb } from './procStats';

export { ROOT };

/** What to run and how to tell it is ready. */
export interface BenchProcessSpec {
  /** Shown in logs and in the peak-RSS table, e.g. "region LDS". */
  label: string;
  role: ServiceRole;
  /** A TypeScript entry point (run as `node --import tsx`, as in production), or a plain Node script. */
  entry: { kind: 'tsx'; file: string } | { kind: 'node'; script: string; args: string[] };
  /** Role-specific variables; benchProcessEnv adds the rest. */
  env: Record<string, string>;
  /** For stock gateways: the region whose requests they must sign (see benchProcessEnv). */
  signFor?: string;
  /** Extra node flags. */
  nodeOptions?: string[];
  /** Start with the inspector on 127.0.0.1 (a free port), for profiling over CDP. */
  inspect?: boolean;
  /** Our services print a JSON "listening" line; others are polled over HTTP until they answer 200. */
  ready: { kind: 'listening-line' } | { kind: 'http'; url: string };
  /** Default 60 s. */
  timeoutMs?: number;
}

export interface BenchProcess {
  readonly label: string;
  readonly role: ServiceRole;
  readonly pid: number;
  /** The "listening" line (our services) or `{ url }`, plus `inspectorUrl` when started with `inspect`. */
  readonly info: Record<string, string>;
  cpuSeconds(): number | null;
  /** Throws if the process has exited (a crash during a run must not pass unnoticed). */
  assertAlive(): void;
  stop(): Promise<void>;
}

/** Peak RSS and CPU of every process the bench started, recorded as each one stops. */
export interface ProcessRecord {
  label: string;
  role: ServiceRole | 'postgres' | 'bench';
  pid: number;
  peakRssMb: number | null;
  cpuSeconds: number | null;
  /** How it ended: SIGTERM (clean), SIGKILL (did not exit within the grace period), or it had already exited. */
  stoppedBy?: 'SIGTERM' | 'SIGKILL' | 'already exited';
}

/** How long a process may take to stop after SIGTERM before it is killed. */
const STOP_GRACE_MS = 3000;

const running = new Set<{ child: ChildProcess; proc: BenchProcess }>();
const records: ProcessRecord[] = [];

/** Processes started and not yet stopped. */
export function runningBenchProcesses(): BenchProcess[] {
  return [...running].map((entry) => entry.proc);
}

export function processRecords(): readonly ProcessRecord[] {
  return records;
}

function tail(lines: string[], line: string): void {
  lines.push(line);
  if (lines.length > 40) lines.shift();
}

async function pollHttp(url: string, deadline: number, alive: () => boolean): Promise<void> {
  for (;;) {
    if (!alive()) throw new Error('exited before it was ready');
    try {
      const res = await request(url, { method: 'GET', headersTimeout: 1000, bodyTimeout: 1000 });
      await res.body.dump();
      if (res.statusCode === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`no answer from ${url}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Starts one process for the bench. Every process goes through here, so its environment
 * always comes from benchProcessEnv and it is always stopped by stopAllBenchProcesses.
 */
export async function startBenchProcess(spec: BenchProcessSpec): Promise<BenchProcess> {
  const nodeOptions = [...(spec.nodeOptions ?? []), ...(spec.inspect ? ['--inspect=127.0.0.1:0'] : [])];
  const args =
    spec.entry.kind === 'tsx' ? [...nodeOptions, '--import', 'tsx', path.join(ROOT, spec.entry.file)] : [...nodeOptions, spec.entry.script, ...spec.entry.args];
  const child = spawn(process.execPath, args, { cwd: ROOT, env: benchProcessEnv(spec.role, spec.env, spec.signFor), stdio: ['ignore', 'pipe', 'pipe'] });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${spec.label}: could not start`);
  const output: string[] = [];
  let exited: string | null = null;
  let stopping = false;
  let listening: ((info: Record<string, string>) => void) | null = null;
  // Always drain both pipes: a full pipe would block the service.
  readline.createInterface({ input: child.stdout! }).on('line', (line) => {
    tail(output, line);
    const parsed = listening ? parseListeningLine(line) : null;
    if (parsed) listening?.(parsed);
  });
  let inspectorUrl: string | null = null;
  readline.createInterface({ input: child.stderr! }).on('line', (line) => {
    tail(output, line);
    const inspector = /^Debugger listening on (ws:\/\/\S+)/.exec(line);
    if (inspector) inspectorUrl = inspector[1]!;
  });
  const exitPromise = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = `exited with ${signal ?? code}`;
      if (!stopping) process.stderr.write(`bench: ${spec.label} ${exited} unexpectedly:\n  ${output.slice(-10).join('\n  ')}\n`);
      resolve();
    });
  });

  // Listed in start order; filled in when the process stops (VmHWM is gone once it exits).
  const record: ProcessRecord = { label: spec.label, role: spec.role, pid, peakRssMb: null, cpuSeconds: null };
  records.push(record);
  let recorded = false;
  const proc: BenchProcess = {
    label: spec.label,
    role: spec.role,
    pid,
    info: {},
    cpuSeconds: () => cpuSeconds(pid),
    assertAlive: () => {
      if (exited !== null) throw new Error(`${spec.label} ${exited}: ${output.slice(-5).join(' | ')}`);
    },
    stop: async () => {
      const first = !recorded;
      if (first) {
        recorded = true;
        record.peakRssMb = peakRssMb(pid);
        record.cpuSeconds = cpuSeconds(pid);
      }
      stopping = true;
      if (exited === null) {
        const how = await stopChild(child, STOP_GRACE_MS);
        await exitPromise;
        if (first) record.stoppedBy = how;
      } else if (first) {
        record.stoppedBy = 'already exited';
      }
      for (const entry of running) if (entry.proc === proc) running.delete(entry);
    },
  };
  running.add({ child, proc });

  const timeoutMs = spec.timeoutMs ?? 60_000;
  try {
    let info: Record<string, string>;
    if (spec.ready.kind === 'listening-line') {
      info = await new Promise<Record<string, string>>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`not listening within ${timeoutMs} ms`)), timeoutMs);
        listening = (parsed) => {
          clearTimeout(timer);
          resolve(parsed);
        };
        void exitPromise.then(() => {
          clearTimeout(timer);
          reject(new Error('exited before it was listening'));
        });
      });
    } else {
      await pollHttp(spec.ready.url, Date.now() + timeoutMs, () => exited === null);
      info = { url: spec.ready.url };
    }
    Object.assign(proc.info, info, inspectorUrl ? { inspectorUrl } : {});
    return proc;
  } catch (err) {
    await proc.stop();
    throw new Error(`${spec.label}: ${(err as Error).message}\n  ${output.slice(-15).join('\n  ')}`);
  }
}

/** Stops every process still running (SIGTERM, then SIGKILL after the grace period). */
export async function stopAllBenchProcesses(): Promise<void> {
  await Promise.all([...running].map((entry) => entry.proc.stop()));
}

/** Last resort on process exit: kill whatever is left, synchronously. */
export function killAllBenchProcessesNow(): void {
  for (const { child } of running) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}
