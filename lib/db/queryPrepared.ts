import type { Pool, QueryResult, QueryResultRow } from 'pg';

/** A query PostgreSQL parses and plans once per connection (pg prepares a named statement on first use). */
export interface PreparedQuery {
  /** Unique per statement text in the process. */
  name: string;
  text: string;
  values: unknown[];
}

/** PostgreSQL's refusal to run a prepared statement whose result columns changed since it was prepared. */
function isStalePlan(err: unknown): boolean {
  return (err as { code?: string }).code === '0A000' && /cached plan must not change result type/.test((err as Error).message);
}

/**
 * Runs a named (prepared) query: hot reads skip parsing and planning on every call. A
 * statement prepared before a migration changed its table's columns is refused by
 * PostgreSQL ("cached plan must not change result type"); its connection is then discarded,
 * so that the pool opens one with no stale statements, and the query runs again: a schema
 * change while the service runs costs a reconnection, never a failed answer.
 */
export async function queryPrepared<R extends QueryResultRow>(pool: Pool, query: PreparedQuery): Promise<QueryResult<R>> {
  const attempts = (pool.options.max ?? 10) + 1;
  for (let attempt = 1; ; attempt++) {
    const client = await pool.connect();
    try {
      const result = await client.query<R>(query);
      client.release();
      return result;
    } catch (err) {
      const stale = isStalePlan(err);
      client.release(stale);
      if (!stale || attempt >= attempts) throw err;
    }
  }
}
