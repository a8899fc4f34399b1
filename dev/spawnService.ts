import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';

export const ROOT = path.resolve(__dirname, '..');

export interface ServiceProcess {
  child: ChildProcess;
  /** The service's "listening" line (lib/process/announceAndAwaitShutdown.ts). */
  info: Record<string, string>;
  /** SIGTERM, then SIGKILL if it has not exited within 5 s. */
  stop(): Promise<void>;
}

export interface SpawnServiceOptions {
  /** Added to this process's environment. */
  env: Record<string, string>;
  /** How long to wait for the listening line. Default 30 s. */
  timeoutMs?: number;
  /** 'capture' (default) keeps stderr for the error if it fails to start; 'inherit' shows it. */
  stderr?: 'capture' | 'inherit';
  /** Every other line the service prints on stdout (its logs). */
  onLine?: (line: string) => void;
  /** Called as soon as the process exists, with its stop function (so a parent interrupted during start-up can still stop it). */
  onSpawn?: (stop: () => Promise<void>) => void;
  /** Called if the service exits after it was listening. */
  onExit?: (code: number | null, signal: NodeJS.Signals | null) => void;
}

/**
 * Starts a TypeScript entry point as its own OS process (node + tsx, as in production)
 * and waits for the JSON line it prints once listening. Used by `npm start` and the tests.
 */
export async function spawnService(entry: string, options: SpawnServiceOptions): Promise<ServiceProcess> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, entry)], {
    cwd: ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', options.stderr === 'inherit' ? 'inherit' : 'pipe'],
  });
  const stop = async (): Promise<void> => {
    await stopChild(child, 5000);
  };
  options.onSpawn?.(stop);
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  let listening = false;
  const info = await new Promise<Record<string, string>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${entry} did not start within ${timeoutMs} ms: ${stderr}`)), timeoutMs);
    const lines = readline.createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      if (!listening) {
        const parsed = parseListeningLine(line);
        if (parsed) {
          listening = true;
          clearTimeout(timer);
          resolve(parsed);
          return;
        }
      }
      options.onLine?.(line);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (listening) options.onExit?.(code, signal);
      else reject(new Error(`${entry} exited with ${code ?? signal} before listening: ${stderr}`));
    });
  });
  return { child, info, stop };
}

/** The JSON line a service prints once listening (lib/process/announceAndAwaitShutdown.ts), or null for a log line. */
export function parseListeningLine(line: string): Record<string, string> | null {
  if (!line.startsWith('{')) return null;
  try {
    const parsed = JSON.parse(line) as Record<string, string>;
    return parsed.event === 'listening' ? parsed : null;
  } catch {
    return null;
  }
}

/** SIGTERM, then SIGKILL after `graceMs`; says how the process ended. */
export function stopChild(child: ChildProcess, graceMs: number): Promise<'SIGTERM' | 'SIGKILL' | 'already exited'> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve('already exited');
    let killed = false;
    const force = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, graceMs);
    child.once('exit', () => {
      clearTimeout(force);
      resolve(killed ? 'SIGKILL' : 'SIGTERM');
    });
    child.kill('SIGTERM');
  });
}
