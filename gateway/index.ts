/**
 * Runs the national gateway:
 *   PORT=4000 DATABASE_URL=postgres://.../national JWKS_URL=https://idp/.well-known/jwks.json \
 *   JWT_ISSUER=... JWT_AUDIENCE=... REGION_SIGNING_KEY=... npx tsx gateway/index.ts
 * Without DATABASE_URL it starts an embedded PostgreSQL keeping data in .data/national.
 * Migrations are applied on start.
 */
import path from 'node:path';
import { envNumber, envOptional, envString } from '../lib/config/readEnv';
import { createPool } from '../lib/db/createPool';
import { migrate } from '../lib/db/migrate';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../lib/db/startEmbeddedPostgres';
import { createLogger } from '../lib/logger';
import { announceAndAwaitShutdown } from '../lib/process/announceAndAwaitShutdown';
import { gatewayAuthenticatorFromEnv } from './auth/gatewayAuthenticatorFromEnv';
import { defaultExamples } from './ide/defaultExamples';
import { signInSettingsFromEnv } from './session/signInSettingsFromEnv';
import { GATEWAY_DEFAULTS } from './defaults';
import { HTTP_DEFAULTS } from '../lib/http/httpDefaults';
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
  const authenticate = gatewayAuthenticatorFromEnv();
  if (!authenticate) throw new Error('the gateway needs JWKS_FILE or JWKS_URL to verify callers');
  const migrator = createPool(databaseUrl, logger, { max: 1, statement_timeout: 0, query_timeout: 0, lock_timeout: 0 });
  const applied = await migrate(migrator, 'national');
  await migrator.end();
  if (applied.length > 0) logger.info({ applied }, 'migrations applied');
  // Least privilege: every connection acts as imaging_gateway_app (a startup option, so it
  // holds before the first query), which may append to the audit trail but never update
  // or delete it.
  const appRole = envString('DB_APP_ROLE', GATEWAY_DEFAULTS.dbAppRole);
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(appRole)) throw new Error(`DB_APP_ROLE "${appRole}" is not a role name`);
  const pool = createPool(databaseUrl, logger, { max: envNumber('DB_POOL_SIZE', GATEWAY_DEFAULTS.dbPoolSize, { min: 1, max: 200 }), options: `-c role=${appRole}` });
  const port = envNumber('PORT', GATEWAY_DEFAULTS.port, { min: 0, max: 65535 });
  const signIn = signInSettingsFromEnv(`http://localhost:${port}`);
  const exampleNhsNumber = envString('IDE_EXAMPLE_NHS_NUMBER', GATEWAY_DEFAULTS.ideExampleNhsNumber);
  const regionTimeoutMs = envNumber('REGION_TIMEOUT_MS', GATEWAY_DEFAULTS.regionTimeoutMs, { min: 50, max: 60_000 });
  const running = await createGatewayServer({
    pool,
    logger,
    port,
    ...(signIn ? { signIn } : {}),
    ideExampleNhsNumber: exampleNhsNumber,
    host: envString('HOST', GATEWAY_DEFAULTS.host),
    authenticate,
    regionSigningKey: envString('REGION_SIGNING_KEY'),
    regionKeyIds: envString('REGION_KEY_IDS', GATEWAY_DEFAULTS.regionKeyIds),
    suppressionThreshold: envNumber('SUPPRESSION_THRESHOLD', GATEWAY_DEFAULTS.suppressionThreshold, { min: 1, max: 1000 }),
    rateLimitPerMinute: envNumber('RATE_LIMIT_PER_MINUTE', GATEWAY_DEFAULTS.rateLimitPerMinute, { min: 1, max: 1_000_000 }),
    rateLimitLeasePercent: envNumber('RATE_LIMIT_LEASE_PERCENT', GATEWAY_DEFAULTS.rateLimitLeasePercent, { min: 0, max: 10 }),
    limits: {
      maxDepth: envNumber('MAX_DEPTH', GATEWAY_DEFAULTS.maxDepth, { min: 2, max: 100 }),
      maxCost: envNumber('MAX_COST', GATEWAY_DEFAULTS.maxCost, { min: 10, max: 1_000_000 }),
      maxAliases: envNumber('MAX_ALIASES', GATEWAY_DEFAULTS.maxAliases, { min: 1, max: 1000 }),
      maxTokens: envNumber('MAX_TOKENS', GATEWAY_DEFAULTS.maxTokens, { min: 50, max: 100_000 }),
    },
    ideDefaultHeaders: JSON.stringify({ Authorization: 'Bearer <paste a token>', 'X-Purpose-Of-Use': 'DIRECT_CARE' }),
    regionTimeoutMs,
    httpTimeouts: {
      headersTimeoutMs: envNumber('HTTP_HEADERS_TIMEOUT_MS', HTTP_DEFAULTS.headersTimeoutMs, { min: 100, max: 600_000 }),
      requestTimeoutMs: envNumber('HTTP_REQUEST_TIMEOUT_MS', HTTP_DEFAULTS.requestTimeoutMs, { min: 100, max: 600_000 }),
      drainTimeoutMs: envNumber('DRAIN_TIMEOUT_MS', HTTP_DEFAULTS.drainTimeoutMs, { min: 0, max: 600_000 }),
    },
    auditTimeoutMs: envNumber('AUDIT_TIMEOUT_MS', GATEWAY_DEFAULTS.auditTimeoutMs, { min: 50, max: 60_000 }),
    maxArchiveTimeoutMs: envNumber('MAX_ARCHIVE_TIMEOUT_MS', regionTimeoutMs, { min: 50, max: 60_000 }),
    registryRefreshMs: envNumber('REGISTRY_REFRESH_MS', GATEWAY_DEFAULTS.registryRefreshMs, { min: 0, max: 3_600_000 }),
    breakerFailureThreshold: envNumber('BREAKER_FAILURES', GATEWAY_DEFAULTS.breakerFailureThreshold, { min: 1, max: 100 }),
    breakerOpenMs: envNumber('BREAKER_OPEN_MS', GATEWAY_DEFAULTS.breakerOpenMs, { min: 100, max: 3_600_000 }),
    locator:
      envString('LOCATOR', 'on') === 'off'
        ? false
        : {
            ...(envOptional('LOCATOR_KEY') ? { key: envOptional('LOCATOR_KEY')! } : {}),
            leaseMs: envNumber('LOCATOR_LEASE_MS', GATEWAY_DEFAULTS.locatorLeaseMs, { min: 100, max: 600_000 }),
            pollMs: envNumber('LOCATOR_POLL_MS', GATEWAY_DEFAULTS.locatorPollMs, { min: 50, max: 600_000 }),
            falsePositiveRate: envNumber('LOCATOR_FALSE_POSITIVE_RATE', GATEWAY_DEFAULTS.locatorFalsePositiveRate, { min: 0.000001, max: 0.5 }),
          },
    ideExamples: defaultExamples(exampleNhsNumber),
  });
  announceAndAwaitShutdown({ url: running.url, ide: `${running.baseUrl}/ide` }, logger, [running.stop, () => pool.end(), embedded ? () => embedded!.stop() : null]);
}

main().catch((err: unknown) => {
  process.stderr.write(`gateway failed to start: ${(err as Error).message}\n`);
  process.exit(1);
});
