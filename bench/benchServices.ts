import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { Pool } from 'pg';
import { request } from 'undici';
import { REGION_SDL } from '../lib/contract';
import { ensureDatabase, withDatabase } from '../lib/db/createPool';
import { benchHeaders } from './benchAuth';
import { ROOT, startBenchProcess, type BenchProcess } from './benchProcess';
import { freePort } from '../lib/net/freePort';

/** A started service and the URL the workload goes to. */
export interface BenchService {
  proc: BenchProcess;
  url: string;
}

export interface RegionServiceOptions {
  code: string;
  name: string;
  databaseUrl: string;
  cacheTtlSeconds: number;
  label?: string;
  /** Start with the inspector on (for profiling). */
  inspect?: boolean;
  /** The gateway to publish membership changes to (GATEWAY_URL); the gateway must be started first. */
  gatewayUrl?: string;
  /** DB_POOL_SIZE; the default (10) is too many for 42 regions on one PostgreSQL (max_connections 300). */
  poolSize?: number;
}

/** One regional subgraph process (subgraphs/region/index.ts) over its database. */
export async function startRegion(options: RegionServiceOptions): Promise<BenchService> {
  const proc = await startBenchProcess({
    label: options.label ?? `region ${options.code}`,
    role: 'region',
    entry: { kind: 'tsx', file: 'subgraphs/region/index.ts' },
    env: {
      REGION_CODE: options.code,
      REGION_NAME: options.name,
      PORT: '0',
      DATABASE_URL: options.databaseUrl,
      CACHE_TTL_SECONDS: String(options.cacheTtlSeconds),
      ...(options.gatewayUrl ? { GATEWAY_URL: options.gatewayUrl } : {}),
      ...(options.poolSize ? { DB_POOL_SIZE: String(options.poolSize) } : {}),
    },
    inspect: options.inspect ?? false,
    ready: { kind: 'listening-line' },
  });
  return { proc, url: proc.info.url! };
}

/** Our national gateway (gateway/index.ts) over a national database of its own. */
export async function startOurGateway(options: { label: string; databaseUrl: string; inspect?: boolean; env?: Record<string, string> }): Promise<BenchService> {
  const proc = await startBenchProcess({
    label: options.label,
    role: 'gateway',
    entry: { kind: 'tsx', file: 'gateway/index.ts' },
    // The locator is on (its default) unless the caller says otherwise: LOCATOR, LOCATOR_POLL_MS, LOCATOR_LEASE_MS.
    env: { PORT: '0', DATABASE_URL: options.databaseUrl, ...options.env },
    inspect: options.inspect ?? false,
    ready: { kind: 'listening-line' },
  });
  return { proc, url: proc.info.url! };
}

/** Starts region processes a few at a time: each start compiles the service, and the machine has few cores. */
export async function startRegionsInBatches(options: readonly RegionServiceOptions[], batchSize = 4): Promise<BenchService[]> {
  const started: BenchService[] = [];
  for (let i = 0; i < options.length; i += batchSize) started.push(...(await Promise.all(options.slice(i, i + batchSize).map((o) => startRegion(o)))));
  return started;
}

/** A national database with no registrations left over from an earlier run. */
export async function freshNationalDatabase(adminUrl: string, database: string): Promise<string> {
  const admin = new Pool({ connectionString: adminUrl, max: 1 });
  admin.on('error', () => undefined);
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
  await ensureDatabase(adminUrl, database);
  return withDatabase(adminUrl, database);
}

async function postGraphQL(url: string, query: string, variables: Record<string, unknown>): Promise<{ data?: any; errors?: Array<{ message: string }> }> {
  const body = JSON.stringify({ query, variables });
  const res = await request(url, { method: 'POST', headers: benchHeaders({ audience: 'gateway', purpose: 'register', body }), body });
  return (await res.body.json()) as { data?: any; errors?: Array<{ message: string }> };
}

/** Makes the gateway's registry exactly `wanted`: deregisters the rest, registers what is missing or moved. */
export async function setRegistrations(gatewayUrl: string, wanted: readonly { code: string; name: string; url: string }[]): Promise<void> {
  const listed = await postGraphQL(gatewayUrl, 'query { regions { code } }', {});
  if (listed.errors) throw new Error(`listing regions failed: ${listed.errors.map((e) => e.message).join('; ')}`);
  const wantedCodes = new Set(wanted.map((w) => w.code));
  for (const { code } of listed.data.regions as Array<{ code: string }>) {
    if (wantedCodes.has(code)) continue;
    const res = await postGraphQL(gatewayUrl, 'mutation($code: String!) { deregisterRegion(code: $code) { deregistered } }', { code });
    if (res.errors) throw new Error(`deregistering ${code} failed: ${res.errors.map((e) => e.message).join('; ')}`);
  }
  for (const region of wanted) {
    const res = await postGraphQL(gatewayUrl, 'mutation($i: RegisterRegionInput!) { registerRegion(input: $i) { code } }', { i: { code: region.code, name: region.name, url: region.url } });
    if (res.errors) throw new Error(`registering ${region.code} failed: ${res.errors.map((e) => e.message).join('; ')}`);
  }
}

/** The regional contract alone, composed with the central region's real URL, as stock gateways need it. */
export function writeCentralSupergraph(regionUrl: string, file: string): void {
  const result = composeServices([{ name: 'regions', typeDefs: parse(REGION_SDL), url: regionUrl }]);
  if (result.errors) throw new Error(`composition failed: ${result.errors.map((e) => e.message).join('; ')}`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, result.supergraphSdl);
}

/** Stock @apollo/gateway (bench/stockGateway.ts) over the supergraph file. */
export async function startStockGateway(supergraphFile: string, regionCode: string): Promise<BenchService> {
  const proc = await startBenchProcess({
    label: 'stock @apollo/gateway',
    role: 'stock-gateway',
    entry: { kind: 'tsx', file: 'bench/stockGateway.ts' },
    env: { PORT: '0', SUPERGRAPH_FILE: supergraphFile },
    signFor: regionCode,
    ready: { kind: 'listening-line' },
  });
  return { proc, url: proc.info.url! };
}

const HIVE_DIR = path.join(ROOT, 'bench', '.hive');
const HIVE_PACKAGE = path.join(HIVE_DIR, 'node_modules', '@graphql-hive', 'gateway');

/**
 * Hive Gateway is not a project dependency: the bench installs it into bench/.hive
 * (gitignored) the first time. Returns the CLI script, or why it is unavailable.
 */
export function ensureHiveGateway(): { ok: true; bin: string; version: string } | { ok: false; reason: string } {
  const manifest = path.join(HIVE_PACKAGE, 'package.json');
  if (!fs.existsSync(manifest)) {
    process.stderr.write('bench: installing @graphql-hive/gateway into bench/.hive (first run only)...\n');
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const result = spawnSync(npm, ['install', '--prefix', HIVE_DIR, '--no-audit', '--no-fund', '@graphql-hive/gateway'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'], timeout: 600_000 });
    if (result.status !== 0 || !fs.existsSync(manifest)) return { ok: false, reason: `npm install --prefix bench/.hive @graphql-hive/gateway failed (${result.error?.message ?? `exit ${result.status}`})` };
  }
  const pkg = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { version: string; bin?: string | Record<string, string> };
  const bin = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin?.['hive-gateway'];
  if (!bin) return { ok: false, reason: '@graphql-hive/gateway has no hive-gateway bin' };
  return { ok: true, bin: path.join(HIVE_PACKAGE, bin), version: pkg.version };
}

/**
 * Hive Gateway's CLI with default settings, plus bench/hiveGateway.config.mjs, whose only
 * plugin adds the region's signature header to each subgraph request:
 * `hive-gateway supergraph <file> -c bench/hiveGateway.config.mjs --host 127.0.0.1 --port N`.
 */
export async function startHiveGateway(bin: string, supergraphFile: string, regionCode: string): Promise<BenchService> {
  const port = await freePort();
  const config = path.join(ROOT, 'bench', 'hiveGateway.config.mjs');
  const proc = await startBenchProcess({
    label: 'Hive Gateway',
    role: 'hive-gateway',
    entry: { kind: 'node', script: bin, args: ['supergraph', supergraphFile, '-c', config, '--host', '127.0.0.1', '--port', String(port)] },
    env: {},
    signFor: regionCode,
    ready: { kind: 'http', url: `http://127.0.0.1:${port}/healthcheck` },
  });
  return { proc, url: `http://127.0.0.1:${port}/graphql` };
}
