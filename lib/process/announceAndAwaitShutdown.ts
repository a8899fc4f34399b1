import type { Logger } from '../logger';

/**
 * Prints the one JSON "listening" line a parent process (npm start, tests, the benchmark)
 * waits for, then stops cleanly on SIGINT/SIGTERM/SIGHUP: each step in order, errors
 * ignored, so a half-stopped service never lingers.
 */
export function announceAndAwaitShutdown(listening: Record<string, unknown>, logger: Logger, steps: Array<(() => Promise<unknown>) | null>): void {
  process.stdout.write(`${JSON.stringify({ event: 'listening', ...listening })}\n`);
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    for (const step of steps) if (step) await step().catch(() => undefined);
    process.exit(0);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void shutdown(signal));
}
