import pino, { type Logger } from 'pino';

/**
 * Structured JSON logs (pino: the fastest maintained JSON logger for Node, one line per
 * event, ready for any log shipper). LOG_LEVEL sets the level; tests default to silent.
 */
export function createLogger(name: string, level = process.env.LOG_LEVEL ?? (process.env.JEST_WORKER_ID ? 'silent' : 'info')): Logger {
  return pino({ name, level, base: { service: name }, timestamp: pino.stdTimeFunctions.isoTime });
}
export type { Logger };
