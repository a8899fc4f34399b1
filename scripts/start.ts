/**
 * `npm start`: the whole system on one machine with only Node installed.
 *  1. an embedded PostgreSQL (data kept in .data/demo-pg between runs), or DATABASE_URL;
 *  2. three demo regions as separate processes, each over its own database, seeded with
 *     generated data (through the project's bulk loader) in which some patients have
 *     studies in several regions;
 *  3. the national gateway on http://localhost:4000/graphql, with every region registered.
 * Ctrl-C stops every process it started.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { Pool } from 'pg';
import { envNumber, envOptional, envString } from '../lib/config/readEnv';
import { ensureDatabase, withDatabase } from '../lib/db/createPool';
import { migrate } from '../lib/db/migrate';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../lib/db/startEmbeddedPostgres';
import { formatNhsNumber } from '../lib/domain/parseNhsNumber';
import { ensureDemoKeys, issueDemoToken } from '../lib/auth/demoKeys';
import { deriveRegionSecret } from '../lib/security/gatewaySignature';
import { listMultiRegionNhsNumbers } from '../subgraphs/region/synthetic/listMultiRegionNhsNumbers';
import { seedRegion } from '../subgraphs/region/synthetic/seedRegion';

const ROOT = path.resolve(__dirname, '..');
const DEMO_REGIONS = [
  { code: 'LDS', name: 'West Yorkshire' },
  { code: 'LON', name: 'North Central London' },
  { code: 'MAN', name: 'Greater Manchester' },
] as const;
const SEED = 20_261_122;

const children: ChildProcess[] = [];
let embedded: EmbeddedPostgres | null = null;
let stopping = false;

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** Starts an entry point as its own process; resolves with its "listening" line. */
function startProcess(label: string, entry: string, env: Record<string, string>): Promise<Record<string, string>> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, entry)], {
    cwd: ROOT,
    // production: graphql-js skips its development checks (about 9% of a region's CPU).
    env: { ...process.env, NODE_ENV: process.env.NODE_ENV ?? 'production', LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  child.once('exit', (code, signal) => {
    if (!stopping) {
      say(`${label} exited (${signal ?? code}); stopping everything`);
      void shutdown(1);
    }
  });
  return new Promise((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      try {
        const parsed = JSON.parse(line) as Record<string, string>;
        if (parsed.event === 'listening') return resolve(parsed);
      } catch {
        // a log line, not the listening line
      }
      if (process.env.LOG_LEVEL) say(`[${label}] ${line}`);
    });
    child.once('exit', () => reject(new Error(`${label} exited before it was listening`)));
  });
}

async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  say('stopping...');
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const force = setTimeout(() => child.kill('SIGKILL'), 5000);
          child.once('exit', () => {
            clearTimeout(force);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
  if (embedded) await embedded.stop().catch(() => undefined);
  process.exit(code);
}

async function main(): Promise<void> {
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  process.on('SIGHUP', () => void shutdown(0));
  const studiesPerRegion = envNumber('DEMO_STUDIES', 20_000, { min: 1, max: 10_000_000 });
  const gatewayPort = envNumber('PORT', 4000, { min: 0, max: 65535 });
  let adminUrl = envOptional('DATABASE_URL');
  if (!adminUrl) {
    say('starting embedded PostgreSQL (data in .data/demo-pg)...');
    embedded = await startEmbeddedPostgres({ dataDir: path.resolve(envString('DATA_DIR', path.join(ROOT, '.data')), 'demo-pg') });
    adminUrl = embedded.url;
  }
  const dataDir = path.resolve(envString('DATA_DIR', path.join(ROOT, '.data')));
  // The demo's stand-in identity provider (a key pair) and the gateway's region-signing key.
  const keys = await ensureDemoKeys(path.join(dataDir, 'demo-keys'));
  const signingKeyFile = path.join(keys.dir, 'region-signing.key');
  if (!fs.existsSync(signingKeyFile)) fs.writeFileSync(signingKeyFile, randomBytes(32).toString('base64url'), { mode: 0o600 });
  const regionSigningKey = fs.readFileSync(signingKeyFile, 'utf8').trim();
  const regionCodes = DEMO_REGIONS.map((r) => r.code);
  const regionUrls = await Promise.all(
    DEMO_REGIONS.map(async (region) => {
      const database = `demo_${region.code.toLowerCase()}`;
      await ensureDatabase(adminUrl!, database);
      const databaseUrl = withDatabase(adminUrl!, database);
      const pool = new Pool({ connectionString: databaseUrl, max: 2 });
      pool.on('error', () => undefined);
      try {
        await migrate(pool, 'region');
        const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM study');
        if (rows[0]!.n < studiesPerRegion) {
          say(`${region.code}: generating and loading ${studiesPerRegion.toLocaleString('en-GB')} studies...`);
          const summary = await seedRegion(pool, { seed: SEED, regionCodes, regionCode: region.code, studyCount: studiesPerRegion });
          say(`${region.code}: loaded ${summary.read.toLocaleString('en-GB')} studies in ${summary.seconds.toFixed(1)} s`);
        } else {
          say(`${region.code}: ${rows[0]!.n.toLocaleString('en-GB')} studies already loaded`);
        }
      } finally {
        await pool.end();
      }
      const info = await startProcess(region.code, 'subgraphs/region/index.ts', {
        REGION_CODE: region.code,
        REGION_NAME: region.name,
        PORT: '0',
        DATABASE_URL: databaseUrl,
        GATEWAY_SHARED_SECRET: deriveRegionSecret(regionSigningKey, region.code),
        JWKS_FILE: keys.jwksFile,
      });
      say(`${region.code} (${region.name}) serving ${info.url}`);
      return { ...region, url: info.url! };
    }),
  );
  await ensureDatabase(adminUrl, 'national');
  const adminToken = await issueDemoToken(keys.privateJwk, { role: 'ADMIN', sub: 'demo-admin', ttlSeconds: 600 });
  const movers = listMultiRegionNhsNumbers({ seed: SEED, regionCodes, studyCounts: studiesPerRegion, minRegions: 3, limit: 1 });
  const tryNumber = movers[0]?.nhsNumber ?? listMultiRegionNhsNumbers({ seed: SEED, regionCodes, studyCounts: studiesPerRegion, limit: 1 })[0]?.nhsNumber ?? '9990000018';
  const gateway = await startProcess('gateway', 'gateway/index.ts', {
    PORT: String(gatewayPort),
    HOST: envString('HOST', '127.0.0.1'),
    DATABASE_URL: withDatabase(adminUrl, 'national'),
    JWKS_FILE: keys.jwksFile,
    REGION_SIGNING_KEY: regionSigningKey,
    IDE_EXAMPLE_NHS_NUMBER: tryNumber,
  });
  for (const region of regionUrls) {
    const res = await fetch(gateway.url!, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
      body: JSON.stringify({
        query: 'mutation($i: RegisterRegionInput!) { registerRegion(input: $i) { code } }',
        variables: { i: { code: region.code, name: region.name, url: region.url } },
      }),
    });
    const body = (await res.json()) as { errors?: Array<{ message: string }> };
    if (body.errors) throw new Error(`registering ${region.code} failed: ${body.errors.map((e) => e.message).join('; ')}`);
  }
  const publicBase = gateway.url!.replace('127.0.0.1', 'localhost').replace(/\/graphql$/, '');
  say('');
  say(`National gateway: ${publicBase}/graphql`);
  say(`GraphQL IDE:      ${publicBase}/ide`);
  say(`Try NHS number:   ${formatNhsNumber(tryNumber)} (studies in ${movers[0]?.regionCodes.join(', ') ?? 'several regions'})`);
  const clinician = await issueDemoToken(keys.privateJwk, { role: 'CLINICIAN', sub: 'demo-clinician', org: 'RR8', purposeOfUse: 'DIRECT_CARE' });
  const analyst = await issueDemoToken(keys.privateJwk, { role: 'ANALYST', sub: 'demo-analyst' });
  say('');
  say('Every request needs a bearer token. Paste one into the IDE\'s Headers tab as');
  say('  {"Authorization": "Bearer <token>"}');
  say(`Clinician (DIRECT_CARE, 8 h): ${clinician}`);
  say(`Analyst (statistics only, 8 h): ${analyst}`);
  say('More: npm run token -- --role CLINICIAN|ANALYST|ARCHIVE|ADMIN [--purpose DIRECT_CARE] [--region LDS]');
  say('');
  say('Press Ctrl-C to stop everything.');
}

main().catch((err: unknown) => {
  say(`start failed: ${(err as Error).message}`);
  void shutdown(1);
});
