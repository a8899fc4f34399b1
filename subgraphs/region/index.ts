/**
 * Runs one regional index standalone:
 *   REGION_CODE=LDS REGION_NAME="West Yorkshire" PORT=4101 DATABASE_URL=postgres://... \
 *   GATEWAY_SHARED_SECRET=... JWKS_FILE=... npx tsx subgraphs/region/index.ts
 * Without DATABASE_URL it starts an embedded PostgreSQL keeping data in .data/region-<code>.
 * Migrations are applied on start.
 */
import path from 'node:path';
import { authenticatorFromEnv } from '../../lib/auth/authenticatorFromEnv';
import { createPool } from '../../lib/db/createPool';
import { migrate } from '../../lib/db/migrate';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../lib/db/startEmbeddedPostgres';
import { envNumber, envOptional, envString } from '../../lib/config/readEnv';
import { parseRegionCode, REGION_CODE_RULE } from '../../lib/domain/parseRegionCode';
import { createLogger } from '../../lib/logger';
import { announceAndAwaitShutdown } from '../../lib/process/announceAndAwaitShutdown';
import { REGION_DEFAULTS } from './defaults';
import { restoreDeferredIndexes } from './bulk/deferSecondaryIndexes';
import { createRegionServer } from './server';
import { DEFAULT_LEASE_MS } from '../../lib/locator/membershipProtocol';
import { readSyncConfigFile } from './sync/readSyncConfig';
import { startSync, type RunningSync } from './sync/startSync';
import { SyncMetrics } from './sync/SyncMetrics';

async function main(): Promise<void> {
  const code = parseRegionCode(envString('REGION_CODE'));
  if (code === null) throw new Error(`REGION_CODE must be ${REGION_CODE_RULE}, got "${envString('REGION_CODE')}"`);
  const name = envString('REGION_NAME', code);
  const logger = createLogger(`region-${code.toLowerCase()}`);
  let embedded: EmbeddedPostgres | null = null;
  let databaseUrl = envOptional('DATABASE_URL');
  if (!databaseUrl) {
    const dataDir = path.resolve(envString('DATA_DIR', '.data'), `region-${code.toLowerCase()}`);
    embedded = await startEmbeddedPostgres({ dataDir });
    databaseUrl = embedded.url;
    logger.info({ dataDir }, 'started embedded PostgreSQL');
  }
  // SYNC_CONFIG: follow the region's archives from this process (the way to sync a region
  // on its embedded database, which no second process can open).
  const syncConfigFile = envOptional('SYNC_CONFIG');
  const syncConfig = syncConfigFile ? readSyncConfigFile(syncConfigFile) : null;
  if (syncConfig && !syncConfig.ok) throw new Error(`SYNC_CONFIG: ${syncConfig.message}`);
  const syncMetrics = syncConfig ? new SyncMetrics() : null;
  const authenticate = authenticatorFromEnv();
  if (!authenticate) logger.warn('no JWKS_FILE or JWKS_URL: the /ingest API is disabled');
  if (!envOptional('GATEWAY_URL')) logger.warn('no GATEWAY_URL: writes that add a patient wait one locator lease before they are acknowledged');
  // Migrations may build indexes over millions of studies: their own pool, without the statement bound.
  const migrator = createPool(databaseUrl, logger, { max: 1, statement_timeout: 0, query_timeout: 0, lock_timeout: 0 });
  const applied = await migrate(migrator, 'region');
  // Indexes and foreign keys a bulk load deferred and could not restore (it was killed):
  // restored before serving. A failure (a foreign key that no longer holds) is logged, not
  // fatal: answers are correct without them, only slower, and the region keeps serving.
  const repaired = await restoreDeferredIndexes(migrator, 1).catch((err: unknown) => {
    logger.error({ err: (err as Error).message }, 'could not restore what a bulk load deferred (see deferred_index)');
    return [];
  });
  await migrator.end();
  const pool = createPool(databaseUrl, logger, { max: envNumber('DB_POOL_SIZE', REGION_DEFAULTS.dbPoolSize, { min: 1, max: 200 }) });
  if (applied.length > 0) logger.info({ applied }, 'migrations applied');
  if (repaired.length > 0) logger.warn({ indexes: repaired }, 'restored indexes and foreign keys an interrupted bulk load had deferred');
  const running = await createRegionServer({
    region: { code, name },
    pool,
    logger,
    port: envNumber('PORT', REGION_DEFAULTS.port, { min: 0, max: 65535 }),
    host: envString('HOST', REGION_DEFAULTS.host),
    archiveBaseUrl: envOptional('ARCHIVE_BASE_URL'),
    cacheTtlSeconds: envNumber('CACHE_TTL_SECONDS', REGION_DEFAULTS.cacheTtlSeconds, { min: 0, max: 86_400 }),
    gatewaySecret: envString('GATEWAY_SHARED_SECRET'),
    gatewayUrl: envOptional('GATEWAY_URL'),
    leaseMs: envNumber('LOCATOR_LEASE_MS', DEFAULT_LEASE_MS, { min: 100, max: 600_000 }),
    authenticate,
    metrics: syncMetrics?.registry ?? null,
    compiledExecution: envString('COMPILED_EXECUTION', REGION_DEFAULTS.compiledExecution ? 'on' : 'off') !== 'off',
  });
  let sync: RunningSync | null = null;
  if (syncConfig?.ok) {
    sync = startSync({
      config: syncConfig.config, pool, logger, cache: running.cache, metrics: syncMetrics, publisher: running.publisher,
      onPass: (report) => logger.info(report, 'sync pass'),
    });
  }
  // The parent (npm start, tests) reads this line to learn the port when PORT=0.
  announceAndAwaitShutdown({ region: code, url: running.url, ingestUrl: running.ingestUrl }, logger, [
    sync ? () => sync!.stop() : null,
    running.stop,
    () => pool.end(),
    embedded ? () => embedded!.stop() : null,
  ]);
}

main().catch((err: unknown) => {
  process.stderr.write(`region failed to start: ${(err as Error).message}\n`);
  process.exit(1);
});
