import { readFileSync } from 'node:fs';
import path from 'node:path';
import { GATEWAY_DEFAULTS as G } from '../../gateway/defaults';
import { REGION_DEFAULTS as R } from '../../subgraphs/region/defaults';
import { HTTP_DEFAULTS as H } from '../../lib/http/httpDefaults';

/** The README's variable tables state each default the code reads from defaults.ts. */
describe('configuration documentation', () => {
  const readme = readFileSync(path.resolve(__dirname, '../../README.md'), 'utf8');
  const section = (heading: string) => readme.slice(readme.indexOf(heading), readme.indexOf('\n## ', readme.indexOf(heading) + 1));
  /** The default column of the row whose first cell is exactly `variables`. */
  const defaultIn = (text: string, variables: string) => {
    const row = text.split('\n').find((line) => line.startsWith(`| ${variables} |`));
    if (!row) throw new Error(`README has no row for ${variables}`);
    return row.split('|')[2]!.trim();
  };

  it.each([
    ['`PORT`, `HOST`', `${G.port}, ${G.host}`],
    ['`DB_POOL_SIZE`', `${G.dbPoolSize}`],
    ['`DB_APP_ROLE`', G.dbAppRole],
    ['`SUPPRESSION_THRESHOLD`', `${G.suppressionThreshold}`],
    ['`RATE_LIMIT_PER_MINUTE`', `${G.rateLimitPerMinute}`],
    ['`RATE_LIMIT_LEASE_PERCENT`', `${G.rateLimitLeasePercent}`],
    ['`MAX_DEPTH`, `MAX_COST`, `MAX_ALIASES`, `MAX_TOKENS`', `${G.maxDepth}, ${G.maxCost}, ${G.maxAliases}, ${G.maxTokens}`],
    ['`REGION_TIMEOUT_MS`', `${G.regionTimeoutMs}`],
    ['`AUDIT_TIMEOUT_MS`', `${G.auditTimeoutMs}`],
    ['`REGION_KEY_IDS`', G.regionKeyIds],
    ['`HTTP_HEADERS_TIMEOUT_MS`, `HTTP_REQUEST_TIMEOUT_MS`', `${H.headersTimeoutMs}, ${H.requestTimeoutMs}`],
    ['`DRAIN_TIMEOUT_MS`', `${H.drainTimeoutMs}`],
    ['`BREAKER_FAILURES`, `BREAKER_OPEN_MS`', `${G.breakerFailureThreshold}, ${G.breakerOpenMs}`],
    ['`REGISTRY_REFRESH_MS`', `${G.registryRefreshMs}`],
    ['`IDE_EXAMPLE_NHS_NUMBER`', G.ideExampleNhsNumber],
    ['`PATIENT_IDENTITY_CLAIM`, `PATIENT_IDENTITY_LEVEL`', `${G.patientIdentityClaim}, ${G.patientIdentityLevel}`],
    ['`OIDC_SCOPES`, `OIDC_PATIENT_SCOPES`', G.oidcScopes],
    ['`SESSION_TTL_SECONDS`', `${G.sessionTtlSeconds}`],
    ['`SESSION_REFRESH_MARGIN_SECONDS`', `${G.sessionRefreshMarginSeconds}`],
  ])('gateway: %s defaults to %s', (variables, expected) => {
    expect(defaultIn(section('## The gateway'), variables)).toBe(expected);
  });

  it.each([
    ['`LOCATOR_LEASE_MS`', `${G.locatorLeaseMs}`],
    ['`LOCATOR_POLL_MS`', `${G.locatorPollMs}`],
    ['`LOCATOR_FALSE_POSITIVE_RATE`', `${G.locatorFalsePositiveRate}`],
  ])('locator: %s defaults to %s', (variables, expected) => {
    expect(defaultIn(section('## The patient locator'), variables)).toBe(expected);
  });

  it.each([
    ['`PORT`, `HOST`', `${R.port}, ${R.host}`],
    ['`CACHE_TTL_SECONDS`', `${R.cacheTtlSeconds}`],
    ['`DB_POOL_SIZE`', `${R.dbPoolSize}`],
    ['`COMPILED_EXECUTION`', R.compiledExecution ? 'on' : 'off'],
  ])('region: %s defaults to %s', (variables, expected) => {
    expect(defaultIn(section("## A region's own API"), variables)).toBe(expected);
  });
});
