import fs from 'node:fs';
import path from 'node:path';
import { WebSocket } from 'undici';
import type { CpuProfile } from './summariseCpuProfile';

/** A CPU profiler attached to a running Node process through its inspector (Chrome DevTools Protocol). */
export interface RemoteProfiler {
  start(): Promise<void>;
  /** Stops profiling; the profile is also written to `file` (open it in Chrome DevTools). */
  stop(file: string): Promise<CpuProfile>;
  close(): void;
}

/**
 * Connects to `ws://127.0.0.1:<port>/<id>` (the process was started with
 * `--inspect=127.0.0.1:0`) and drives V8's sampling profiler over CDP. Unlike --cpu-prof,
 * this needs no clean process exit and covers exactly the measured load.
 */
export async function profileOverInspector(url: string): Promise<RemoteProfiler> {
  const ws = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    ws.addEventListener('open', () => resolve(), { once: true });
    ws.addEventListener('error', () => reject(new Error(`cannot connect to the inspector at ${url}`)), { once: true });
  });
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  ws.addEventListener('message', (event) => {
    const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown; error?: { message: string } };
    if (message.id === undefined) return;
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    if (message.error) waiter.reject(new Error(message.error.message));
    else waiter.resolve(message.result);
  });
  const call = <T>(method: string, params: Record<string, unknown> = {}): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      ws.send(JSON.stringify({ id, method, params }));
    });
  await call('Profiler.enable');
  // The same interval as node --cpu-prof.
  await call('Profiler.setSamplingInterval', { interval: 1000 });
  return {
    start: () => call('Profiler.start'),
    stop: async (file) => {
      const { profile } = await call<{ profile: CpuProfile }>('Profiler.stop');
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, JSON.stringify(profile));
      return profile;
    },
    close: () => ws.close(),
  };
}
