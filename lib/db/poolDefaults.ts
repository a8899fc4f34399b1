/**
 * Bounds on every PostgreSQL pool both services open (lib/db/createPool.ts), stated once.
 * A database that stops answering, or a lock someone holds, must turn into an error the
 * service can answer with, never a request that hangs.
 */
export const POOL_DEFAULTS = {
  max: 10,
  idleTimeoutMillis: 30_000,
  /** Waiting for a connection (new, or a free one from a busy pool), ms. */
  connectionTimeoutMillis: 5_000,
  /** Longest any one statement may run on the server, ms. */
  statementTimeoutMs: 30_000,
  /**
   * Client-side bound on one query, ms: a server that stopped answering (a network
   * partition, not a refusal) never trips the server-side bounds above.
   */
  queryTimeoutMs: 35_000,
  /** Longest any one statement may wait for a lock, ms. */
  lockTimeoutMs: 10_000,
  /** A transaction left open and idle is ended by the server after this, ms. */
  idleInTransactionTimeoutMs: 60_000,
} as const;
