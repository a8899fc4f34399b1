/**
 * Everything the benchmark knows about credentials lives in this file:
 *  - {@link benchProcessEnv} builds the environment of every process the bench starts;
 *  - {@link benchHeaders} builds the headers of every HTTP request the bench sends.
 * The bench acts as its own identity provider (a demo key pair, as `npm start` does), holds
 * the gateway's region-signing key, and signs direct region calls as the gateway would.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { DEMO_AUDIENCE, DEMO_ISSUER, ensureDemoKeys, issueDemoToken } from '../dev/demoKeys';
import { deriveRegionSecret, SIGNATURE_HEADER, signRequest } from '../lib/security/gatewaySignature';
import { LocatorKey } from '../gateway/locator/LocatorKey';
import { createAnswerChecker, type AnswerChecker } from '../gateway/registry/createAnswerChecker';
import { purposeBound, SIGNATURE_PURPOSE } from '../lib/locator/membershipProtocol';

/** The kinds of process the bench starts (see startBenchProcess). */
export type ServiceRole = 'region' | 'gateway' | 'stock-gateway' | 'hive-gateway';

/** Who a request is addressed to, and what for. */
export type BenchRequest =
  /** Our gateway, stock @apollo/gateway or Hive Gateway: `query` for the workload, `register` for the registry. */
  | { audience: 'gateway'; purpose: 'query' | 'register'; body: string }
  /** A region's own /graphql, which only answers requests signed for its code. */
  | { audience: 'region'; regionCode: string; purpose: 'query'; body: string }
  /** A region's /ingest (writes): an ADMIN token, as an operator's feed would present. */
  | { audience: 'region-ingest'; body: string };

/** Where workload requests go: a gateway, or one region directly. */
export type Addressee = { audience: 'gateway' } | { audience: 'region'; regionCode: string };

export const GATEWAY: Addressee = { audience: 'gateway' };

/** Headers for a workload request to `to`. */
export function queryHeaders(to: Addressee, body: string): Record<string, string> {
  return benchHeaders(to.audience === 'gateway' ? { audience: 'gateway', purpose: 'query', body } : { audience: 'region', regionCode: to.regionCode, purpose: 'query', body });
}

interface BenchCredentials {
  jwksFile: string;
  /** The gateway's master key for signing requests to regions (REGION_SIGNING_KEY). */
  regionSigningKey: string;
  /** A clinician stating direct care: what an EPR integration presents. */
  clinicianToken: string;
  /** For registerRegion / deregisterRegion. */
  adminToken: string;
}

let credentials: BenchCredentials | null = null;
const regionSecrets = new Map<string, string>();

function current(): BenchCredentials {
  if (!credentials) throw new Error('prepareBenchAuth() must run before processes start or requests are sent');
  return credentials;
}

function regionSecret(code: string): string {
  let secret = regionSecrets.get(code);
  if (!secret) regionSecrets.set(code, (secret = deriveRegionSecret(current().regionSigningKey, code)));
  return secret;
}

/** Keys (kept in `dir`), a fresh signing key and the run's tokens. Call once, first. */
export async function prepareBenchAuth(dir: string): Promise<void> {
  const keys = await ensureDemoKeys(path.join(dir, 'keys'));
  const ttlSeconds = 12 * 3600;
  credentials = {
    jwksFile: keys.jwksFile,
    regionSigningKey: randomBytes(32).toString('base64url'),
    clinicianToken: await issueDemoToken(keys.privateJwk, { role: 'CLINICIAN', sub: 'bench-clinician', org: 'RR8', purposeOfUse: 'DIRECT_CARE', ttlSeconds }),
    adminToken: await issueDemoToken(keys.privateJwk, { role: 'ADMIN', sub: 'bench-admin', ttlSeconds }),
  };
}

/**
 * The environment of a process the bench starts: the parent's environment, quiet logs,
 * loopback only, then the role's credentials, then the caller's variables (which win).
 * `signFor` names the region whose secret a region process checks, or a stock gateway signs with.
 */
export function benchProcessEnv(role: ServiceRole, vars: Record<string, string>, signFor?: string): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn', HOST: '127.0.0.1' };
  // A DATABASE_URL given to the bench is an admin URL for the bench; each service gets its own.
  delete base.DATABASE_URL;
  // Production mode, as deployed: graphql-js skips its development-only checks (its
  // instanceOf alone costs a region about 9% of its CPU otherwise).
  const production = { NODE_ENV: 'production' };
  const { jwksFile, regionSigningKey } = current();
  const secret = signFor ? { BENCH_REGION_SECRET: regionSecret(signFor) } : {};
  switch (role) {
    case 'gateway':
      // One bench user sends every request: lift the per-user rate limit (600/min by default).
      return { ...base, ...production, JWKS_FILE: jwksFile, JWT_ISSUER: DEMO_ISSUER, JWT_AUDIENCE: DEMO_AUDIENCE, REGION_SIGNING_KEY: regionSigningKey, RATE_LIMIT_PER_MINUTE: '1000000', ...vars };
    case 'region': {
      const code = vars.REGION_CODE;
      if (!code) throw new Error('a region process needs REGION_CODE');
      return { ...base, ...production, JWKS_FILE: jwksFile, JWT_ISSUER: DEMO_ISSUER, JWT_AUDIENCE: DEMO_AUDIENCE, GATEWAY_SHARED_SECRET: regionSecret(code.toUpperCase()), ...vars };
    }
    case 'stock-gateway':
      return { ...base, ...production, ...secret, ...vars };
    case 'hive-gateway':
      return { ...base, ...production, ...secret, ...vars };
    default: {
      const never: never = role;
      throw new Error(`unknown role ${String(never)}`);
    }
  }
}

/** Headers for one request the bench sends (load, registration and cross-checks alike). */
export function benchHeaders(request: BenchRequest): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  switch (request.audience) {
    case 'gateway':
      headers.authorization = `Bearer ${request.purpose === 'register' ? current().adminToken : current().clinicianToken}`;
      return headers;
    case 'region':
      headers[SIGNATURE_HEADER] = signRequest(regionSecret(request.regionCode), purposeBound(SIGNATURE_PURPOSE.graphql, request.body));
      return headers;
    case 'region-ingest':
      headers.authorization = `Bearer ${current().adminToken}`;
      return headers;
    default: {
      const never: never = request;
      throw new Error(`unknown audience ${String(never)}`);
    }
  }
}

/** Signs a membership read for a region as the gateway would (for timing a refresh from the bench). */
export function signAsGateway(regionCode: string, payload: string): Record<string, string> {
  return { [SIGNATURE_HEADER]: signRequest(regionSecret(regionCode), payload) };
}

/** Checks region answers as the gateway does (they are signed with the region's secret). */
export function benchAnswerChecker(): AnswerChecker {
  return createAnswerChecker(current().regionSigningKey);
}

/** The gateway's locator key (derived from the run's REGION_SIGNING_KEY, as the gateway derives it without LOCATOR_KEY). */
export function benchLocatorKey(): LocatorKey {
  return LocatorKey.derivedFrom(current().regionSigningKey);
}
