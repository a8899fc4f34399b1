/**
 * Runs the national gateway:
 *   PORT=4000 DATABASE_URL=postgres://.../national REGISTRATION_TOKEN=... npx tsx gateway/index.ts
 * Without DATABASE_URL it starts an embedded PostgreSQL keeping data in .data/national.
 * Migrations are applied on start.
 */
import path from 'node:path';
import { envNumber, envOptional, envString } from '../lib/config/readEnv';
import { createPool } from '../lib/db/createPool';
import { migrate } from '../lib/db/migrate';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../lib/db/startEmbeddedPostgres';
import { createLogger } from '../lib/logger';
import { defaultExamples } from './ide/defaultExamples';
import { createGatewayServer } from './server';

async function main(): Promise<void> {
  const logger = createLogger('gateway');
  let embedded: EmbeddedPostgres | null = null;
  let databaseUrl = envOptional('DATABASE_URL');
  if (!databaseUrl) {
    const dataDir = path.resolve(envString('DATA_DIR', '.data'), 'national');
    embedded = await startEmbeddedPostgres({ dataDir });
    databaseUrl = embedded.url;
    logger.info({ dataDir }, 'started embedded PostgreSQL');
  }
  const pool = createPool(databaseUrl, logger, { max: envNumber('DB_POOL_SIZE', 10, { min: 1, max: 200 }) });
  const applied = await migrate(pool, 'national');
  if (applied.length > 0) logger.info({ applied }, 'migrations applied');
  const running = await createGatewayServer({
    pool,
    logger,
    port: envNumber('PORT', 4000, { min: 0, max: 65535 }),
    host: envString('HOST', '127.0.0.1'),
    registrationToken: envOptional('REGISTRATION_TOKEN'),
    regionTimeoutMs: envNumber('REGION_TIMEOUT_MS', 2000, { min: 50, max: 60_000 }),
    registryRefreshMs: envNumber('REGISTRY_REFRESH_MS', 5000, { min: 0, max: 3_600_000 }),
    breakerFailureThreshold: envNumber('BREAKER_FAILURES', 3, { min: 1, max: 100 }),
    breakerOpenMs: envNumber('BREAKER_OPEN_MS', 10_000, { min: 100, max: 3_600_000 }),
    ideExamples: defaultExamples(envString('IDE_EXAMPLE_NHS_NUMBER', '9990000018')),
  });
  process.stdout.write(`${JSON.stringify({ event: 'listening', url: running.url, ide: `${running.baseUrl}/ide` })}\n`);
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    await running.stop().catch(() => undefined);
    await pool.end().catch(() => undefined);
    if (embedded) await embedded.stop().catch(() => undefined);
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  process.stderr.write(`gateway failed to start: ${(err as Error).message}\n`);
  process.exit(1);
});
