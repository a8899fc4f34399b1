import { startEmbeddedPostgres } from '../../lib/db/startEmbeddedPostgres';

/**
 * One real PostgreSQL for the whole run: embedded by default, or the server named by
 * DATABASE_URL. Each test file creates its own databases on it (test/support/database.ts).
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.DATABASE_URL) {
    process.env.TEST_PG_ADMIN_URL = process.env.DATABASE_URL;
    return;
  }
  // Throw-away data: durability off for speed, here only (services default to durable).
  const pg = await startEmbeddedPostgres({ durable: false });
  process.env.TEST_PG_ADMIN_URL = pg.url;
  (globalThis as { __EMBEDDED_PG__?: { stop(): Promise<void> } }).__EMBEDDED_PG__ = pg;
}
