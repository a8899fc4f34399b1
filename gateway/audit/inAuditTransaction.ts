import type { Pool, PoolClient } from 'pg';

/**
 * Runs `work` in a transaction on the audit trail's database, which gives up at the budget
 * too (lock and statement timeouts local to the transaction), so a locked table does not
 * pile up connections waiting on it. `work` ends the transaction itself (COMMIT or
 * ROLLBACK); if it throws, the transaction is rolled back and the connection discarded.
 */
export async function inAuditTransaction<T>(pool: Pool, budgetMs: number, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let failed = false;
  try {
    // One round trip. The budget is a number from our own configuration, never from a request.
    const budget = `${Math.max(1, Math.round(budgetMs))}ms`;
    await client.query(`BEGIN; SET LOCAL lock_timeout = '${budget}'; SET LOCAL statement_timeout = '${budget}'`);
    return await work(client);
  } catch (err) {
    failed = true;
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release(failed);
  }
}
