/**
 * `npm start`: the whole system on one machine with only Node installed.
 *  1. an embedded PostgreSQL (data kept in $DATA_DIR/demo-pg, default .data, between runs), or DATABASE_URL;
 *  2. three demo regions as separate processes, each over its own database, seeded with
 *     generated data (through the project's bulk loader) in which some patients have
 *     studies in several regions;
 *  3. the national gateway on http://localhost:4000/graphql, with every region registered.
 * Ctrl-C stops every process it started.
 */
import { GATEWAY_DEFAULTS } from '../gateway/defaults';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Pool } from 'pg';
import { envNumber, envOptional, envString } from '../lib/config/readEnv';
import { ensureDatabase, withDatabase } from '../lib/db/createPool';
import { migrate } from '../lib/db/migrate';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../lib/db/startEmbeddedPostgres';
import { formatNhsNumber } from '../lib/domain/parseNhsNumber';
import { DEMO_AUDIENCE, ensureDemoKeys, issueDemoToken, STAFF_ISSUER_FILE } from '../dev/demoKeys';
import { freePort } from '../dev/freePort';
import { ensureClientKeys } from '../dev/oidc/ensureClientKeys';
import { ROOT, spawnService } from '../dev/spawnService';
import { acquireDemoLock } from '../dev/acquireDemoLock';
import { deriveRegionSecret } from '../lib/security/gatewaySignature';
import { listMultiRegionNhsNumbers } from '../subgraphs/region/synthetic/listMultiRegionNhsNumbers';
import { seedRegion } from '../subgraphs/region/synthetic/seedRegion';

const DEMO_REGIONS = [
  { code: 'LDS', name: 'West Yorkshire' },
  { code: 'LON', name: 'North Central London' },
  { code: 'MAN', name: 'Greater Manchester' },
] as const;
const SEED = 20_261_122;
/** The IDE's client id at the demo identity providers. */
const IDE_CLIENT_ID = 'national-imaging-index-ide';


/** Stop functions of every process started, including any still starting. */
const stops: Array<() => Promise<void>> = [];
let embedded: EmbeddedPostgres | null = null;
let stopping = false;
let releaseLock: () => void = () => undefined;

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** Starts an entry point as its own process; resolves with its "listening" line. */
async function startProcess(label: string, entry: string, env: Record<string, string>, essential: boolean): Promise<Record<string, string>> {
  const service = await spawnService(entry, {
    // production: graphql-js skips its development checks (about 9% of a region's CPU).
    env: { NODE_ENV: process.env.NODE_ENV ?? 'production', LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn', ...env },
    stderr: 'inherit',
    onSpawn: (stop) => stops.push(stop),
    onLine: (line) => {
      if (process.env.LOG_LEVEL) say(`[${label}] ${line}`);
    },
    onExit: (code, signal) => {
      if (stopping) return;
      if (essential) {
        say(`${label} exited (${signal ?? code}); stopping everything`);
        void shutdown(1);
        return;
      }
      // The partial-failure design at work: the gateway keeps answering from the other
      // regions and names this one as UNAVAILABLE in every answer.
      say(`${label} exited (${signal ?? code}); the gateway keeps serving the other regions and reports ${label} as unavailable`);
    },
  });
  return service.info;
}

async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  say('stopping...');
  await Promise.all(stops.map((stop) => stop()));
  if (embedded) await embedded.stop().catch(() => undefined);
  releaseLock();
  process.exit(code);
}

async function main(): Promise<void> {
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  process.on('SIGHUP', () => void shutdown(0));
  const studiesPerRegion = envNumber('DEMO_STUDIES', 20_000, { min: 1, max: 10_000_000 });
  const gatewayPort = envNumber('PORT', GATEWAY_DEFAULTS.port, { min: 0, max: 65535 });
  const gatewayHost = envString('HOST', GATEWAY_DEFAULTS.host);
  // Where regions publish each write's new patients before acknowledging it. With PORT=0 the
  // gateway's port is not known yet, so regions go without and hold such writes for one lease.
  const publishTo: Record<string, string> = gatewayPort === 0 ? {} : { GATEWAY_URL: `http://${gatewayHost === '0.0.0.0' ? '127.0.0.1' : gatewayHost}:${gatewayPort}` };
  const dataDir = path.resolve(envString('DATA_DIR', path.join(ROOT, '.data')));
  releaseLock = acquireDemoLock(dataDir);
  let adminUrl = envOptional('DATABASE_URL');
  if (!adminUrl) {
    say(`starting embedded PostgreSQL (data in ${path.join(dataDir, 'demo-pg')})...`);
    embedded = await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'demo-pg') });
    adminUrl = embedded.url;
  }
  // The demo's stand-in identity provider (a key pair) and the gateway's region-signing key.
  const keys = await ensureDemoKeys(path.join(dataDir, 'demo-keys'));
  const signingKeyFile = path.join(keys.dir, 'region-signing.key');
  if (!fs.existsSync(signingKeyFile)) fs.writeFileSync(signingKeyFile, randomBytes(32).toString('base64url'), { mode: 0o600 });
  const regionSigningKey = fs.readFileSync(signingKeyFile, 'utf8').trim();
  const regionCodes = DEMO_REGIONS.map((r) => r.code);
  const movers = listMultiRegionNhsNumbers({ seed: SEED, regionCodes, studyCounts: studiesPerRegion, minRegions: 3, limit: 1 });
  const tryNumber = movers[0]?.nhsNumber ?? listMultiRegionNhsNumbers({ seed: SEED, regionCodes, studyCounts: studiesPerRegion, limit: 1 })[0]?.nhsNumber ?? '9990000018';
  // The demo's identity providers (first: regions verify archive tokens from the staff one): real OpenID Connect providers standing in for NHS CIS2
  // (staff) and NHS login (patients), each its own process, listing demo users to pick.
  const port = gatewayPort === 0 ? await freePort() : gatewayPort;
  const publicUrl = `http://localhost:${port}`;
  const client = await ensureClientKeys(keys.dir);
  const idp = (profile: 'staff' | 'patient') =>
    startProcess(`${profile} identity provider`, 'dev/oidc/demoIdentityProvider.mjs', {
      PROVIDER_PROFILE: profile,
      PORT: '0',
      CLIENT_ID: IDE_CLIENT_ID,
      CLIENT_JWKS_FILE: client.publicJwksFile,
      REDIRECT_URIS: `${publicUrl}/ide/auth/callback`,
      AUDIENCE: DEMO_AUDIENCE,
      DEMO_PATIENT_NHS_NUMBER: tryNumber,
      // Staff access tokens are signed with the demo key, so `npm run token` tokens verify too.
      ...(profile === 'staff' ? { SIGNING_KEY_FILE: path.join(keys.dir, 'private.jwk.json') } : {}),
    }, true);
  const [staffIdp, patientIdp] = await Promise.all([idp('staff'), idp('patient')]);
  const staffIssuer = staffIdp.url!;
  fs.writeFileSync(path.join(keys.dir, STAFF_ISSUER_FILE), staffIssuer);
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
        ...publishTo,
        JWKS_FILE: keys.jwksFile,
        JWT_ISSUER: staffIssuer,
        JWT_AUDIENCE: DEMO_AUDIENCE,
      }, false);
      say(`${region.code} (${region.name}) serving ${info.url}`);
      return { ...region, url: info.url! };
    }),
  );
  await ensureDatabase(adminUrl, 'national');
  const gateway = await startProcess('gateway', 'gateway/index.ts', {
    PORT: String(port),
    HOST: gatewayHost,
    DATABASE_URL: withDatabase(adminUrl, 'national'),
    JWKS_FILE: keys.jwksFile,
    JWT_ISSUER: staffIssuer,
    JWT_AUDIENCE: DEMO_AUDIENCE,
    PATIENT_JWT_ISSUER: patientIdp.url!,
    PATIENT_JWKS_URL: `${patientIdp.url!}/jwks`,
    OIDC_ISSUER: staffIssuer,
    OIDC_PATIENT_ISSUER: patientIdp.url!,
    OIDC_CLIENT_ID: IDE_CLIENT_ID,
    OIDC_CLIENT_KEY_FILE: client.privateKeyFile,
    PUBLIC_URL: publicUrl,
    REGION_SIGNING_KEY: regionSigningKey,
    IDE_EXAMPLE_NHS_NUMBER: tryNumber,
  }, true);
  const adminToken = await issueDemoToken(keys.privateJwk, { role: 'ADMIN', sub: 'demo-admin', ttlSeconds: 600, issuer: staffIssuer });
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
  const publicBase = publicUrl;
  say('');
  say(`National gateway: ${publicBase}/graphql`);
  say(`GraphQL IDE:      ${publicBase}/ide   (sign in: pick a demo user by role; no passwords)`);
  say(`Try NHS number:   ${formatNhsNumber(tryNumber)} (studies in ${movers[0]?.regionCodes.join(', ') ?? 'several regions'}; also the demo patient's own)`);
  say(`Demo identity providers: ${staffIssuer} (staff, for CIS2), ${patientIdp.url!} (patients, for NHS login)`);
  const clinician = await issueDemoToken(keys.privateJwk, { role: 'CLINICIAN', sub: 'demo-clinician', org: 'RR8', purposeOfUse: 'DIRECT_CARE', issuer: staffIssuer });
  const analyst = await issueDemoToken(keys.privateJwk, { role: 'ANALYST', sub: 'demo-analyst', issuer: staffIssuer });
  say('');
  say('API callers send a bearer token instead ({"Authorization": "Bearer <token>"}):');
  say(`Clinician (DIRECT_CARE, 8 h): ${clinician}`);
  say(`Analyst (statistics only, 8 h): ${analyst}`);
  say('More: npm run token -- --role CLINICIAN|ANALYST|ARCHIVE|ADMIN [--purpose DIRECT_CARE] [--region LDS]');
  say('');
  say('Press Ctrl-C to stop everything.');
}

main().catch((err: unknown) => {
  say(`start failed: ${err instanceof Error ? err.message : String(err)}`);
  void shutdown(1);
});
