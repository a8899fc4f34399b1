import { Pool, type PoolConfig } from 'pg';
import type { Logger } from 'pino';
import { POOL_DEFAULTS } from './poolDefaults';

/**
 * A pg pool that never crashes the process on an idle-client error (a restarted
 * database would otherwise emit an unhandled 'error' event), and whose every wait is
 * bounded (POOL_DEFAULTS): for a connection, for a lock, for a statement, and for a
 * transaction left idle. `extra` may override a bound (0 turns a server-side one off,
 * for a migration or a bulk load that is expected to run long).
 */
export function createPool(connectionString: string, logger: Logger, extra: PoolConfig = {}): Pool {
  const pool = new Pool({
    connectionString,
    max: POOL_DEFAULTS.max,
    idleTimeoutMillis: POOL_DEFAULTS.idleTimeoutMillis,
    connectionTimeoutMillis: POOL_DEFAULTS.connectionTimeoutMillis,
    statement_timeout: POOL_DEFAULTS.statementTimeoutMs,
    query_timeout: POOL_DEFAULTS.queryTimeoutMs,
    lock_timeout: POOL_DEFAULTS.lockTimeoutMs,
    idle_in_transaction_session_timeout: POOL_DEFAULTS.idleInTransactionTimeoutMs,
    ...extra,
  });
  pool.on('error', (err) => logger.error({ err: err.message }, 'idle PostgreSQL client error'));
  // pg-pool listens for errors only on idle clients: a connection that drops while a client
  // is checked out (a query in flight, an abandoned audit write) would otherwise crash the
  // process. The query in flight fails on its own; this only keeps the process alive.
  pool.on('connect', (client) => client.on('error', (err) => logger.warn({ err: err.message }, 'PostgreSQL connection lost')));
  return pool;
}

/** Creates a database on the server behind `adminUrl` if it does not exist yet. */
export async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`invalid database name ${name}`);
  const pool = new Pool({ connectionString: adminUrl, max: 1 });
  try {
    const exists = await pool.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0) await pool.query(`CREATE DATABASE ${name}`);
  } finally {
    await pool.end();
  }
}

/** The same server as `url`, another database. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}
