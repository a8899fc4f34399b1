import { DEFAULT_CHUNK_SIZE, DEFAULT_CONNECTIONS } from '../bulk/loadStudies';
import { integerArg, type CliValues } from './parseCliArgs';

/** Options of every CLI that writes into a regional index. */
export const LOAD_TARGET_OPTIONS = { 'chunk-size': { type: 'string' }, connections: { type: 'string' } } as const;

export const LOAD_TARGET_USAGE = `  --chunk-size N           studies per transaction (default ${DEFAULT_CHUNK_SIZE})
  --connections N          parallel database connections (default ${DEFAULT_CONNECTIONS})`;

/** Where and how a CLI loads: DATABASE_URL (null when not set), chunk size and parallel connections. */
export type LoadTarget = { ok: true; url: string | null; connections: number; chunkSize: number | undefined } | { ok: false; message: string };

export const NO_DATABASE_URL = "DATABASE_URL is not set: point it at the region's PostgreSQL database";

export function loadTargetArgs(values: CliValues): LoadTarget {
  const chunkSize = integerArg(values, 'chunk-size');
  if (!chunkSize.ok) return chunkSize;
  const connections = integerArg(values, 'connections');
  if (!connections.ok) return connections;
  if (chunkSize.value === 0 || connections.value === 0) return { ok: false, message: '--chunk-size and --connections must be at least 1' };
  const url = process.env.DATABASE_URL?.trim() || null;
  return { ok: true, url, connections: connections.value ?? DEFAULT_CONNECTIONS, chunkSize: chunkSize.value };
}
