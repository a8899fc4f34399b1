import { withDatabase } from '../../lib/db/createPool';
import { DEMO_AUDIENCE, DEMO_ISSUER } from '../../dev/demoKeys';
import { adminUrl, createEmptyDatabase as createDatabase, dropDatabases } from './database';
import { postGraphQL, type GraphQLAnswer } from './postGraphQL';
import { spawnService, type ServiceProcess } from '../../dev/spawnService';
import { UPSERT } from './studyInputs';
import { createTestAuth, type TestAuth } from './testAuth';

export interface RegionSpec {
  code: string;
  name: string;
  studies: Record<string, unknown>[];
  /** Extra environment for this region's process. */
  env?: Record<string, string>;
}

export interface TopologyOptions {
  regions: RegionSpec[];
  regionTimeoutMs?: number;
  breakerFailures?: number;
  breakerOpenMs?: number;
  /** Extra environment for the gateway process (limits, thresholds). */
  gatewayEnv?: Record<string, string>;
  /** Extra environment for every region process. */
  regionEnv?: Record<string, string>;
  /** Every line the gateway prints on stdout (its logs; set LOG_LEVEL in gatewayEnv). */
  onGatewayLog?: (line: string) => void;
}

export interface RunningRegionProcess {
  code: string;
  name: string;
  url: string;
  ingestUrl: string;
  port: number;
  databaseUrl: string;
  process: ServiceProcess | null;
}

export interface Topology {
  gatewayUrl: string;
  /** Connection string of the national database (registry, audit trail). */
  nationalDatabaseUrl: string;
  baseUrl: string;
  auth: TestAuth;
  /** Headers of an administrator (registration, audit trail). */
  adminHeaders: Record<string, string>;
  regions: Map<string, RunningRegionProcess>;
  /** POSTs to the gateway; as a clinician stating DIRECT_CARE unless other headers are given. */
  query(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLAnswer<any>>;
  register(code: string, name: string, url: string, timeoutMs?: number): Promise<GraphQLAnswer<any>>;
  /** Starts and seeds another region process without registering it. */
  addRegion(spec: RegionSpec): Promise<RunningRegionProcess>;
  stopRegion(code: string): Promise<void>;
  /** Starts a stopped region again on its old port. */
  startRegion(code: string): Promise<void>;
  restartGateway(): Promise<void>;
  /** Another gateway process over the same national database (a replica), on its own port. */
  startGatewayReplica(env?: Record<string, string>): Promise<{ url: string; baseUrl: string; process: ServiceProcess; stop(): Promise<void> }>;
  stop(): Promise<void>;
}

/** A service process, quiet unless SERVICE_LOG_LEVEL asks for its logs. */
function startService(entry: string, env: Record<string, string>, onLine?: (line: string) => void): Promise<ServiceProcess> {
  return spawnService(entry, { env: { LOG_LEVEL: process.env.SERVICE_LOG_LEVEL ?? 'silent', ...env }, ...(onLine ? { onLine } : {}) });
}

/**
 * The whole system as real processes on 127.0.0.1: one region process per spec, each
 * over its own database on the test PostgreSQL and seeded through its ingest API, and a
 * gateway process over a national database, with every region registered.
 */
export async function startTopology(options: TopologyOptions): Promise<Topology> {
  const databases: string[] = [];
  const auth = await createTestAuth();
  const clinicianHeaders = await auth.headers({ role: 'CLINICIAN', sub: 'dr-test', org: 'RXX', purposeOfUse: 'DIRECT_CARE' });
  const adminHeaders = await auth.headers({ role: 'ADMIN', sub: 'admin-test' });
  const regions = new Map<string, RunningRegionProcess>();

  const regionEnv = new Map<string, Record<string, string>>();
  const startRegionProcess = async (region: RunningRegionProcess, port: number) => {
    const proc = await startService('subgraphs/region/index.ts', {
      REGION_CODE: region.code,
      REGION_NAME: region.name,
      PORT: String(port),
      DATABASE_URL: region.databaseUrl,
      GATEWAY_SHARED_SECRET: auth.regionSecret(region.code),
      JWKS_FILE: auth.jwksFile,
      JWT_ISSUER: DEMO_ISSUER,
      JWT_AUDIENCE: DEMO_AUDIENCE,
      ARCHIVE_BASE_URL: `https://pacs.${region.code.toLowerCase()}.example.nhs.uk/dicomweb`,
      GATEWAY_URL: gatewayUrl.replace(/\/graphql$/, ''),
      ...(options.regionEnv ?? {}),
      ...(regionEnv.get(region.code) ?? {}),
    });
    region.process = proc;
    region.url = proc.info.url!;
    region.ingestUrl = proc.info.ingestUrl!;
    region.port = Number(new URL(region.url).port);
  };

  const addRegion = async (spec: RegionSpec): Promise<RunningRegionProcess> => {
    const db = await createDatabase(`e2e_${spec.code.toLowerCase()}`);
    databases.push(db);
    const region: RunningRegionProcess = { code: spec.code, name: spec.name, url: '', ingestUrl: '', port: 0, databaseUrl: withDatabase(adminUrl(), db), process: null };
    if (spec.env) regionEnv.set(spec.code, spec.env);
    await startRegionProcess(region, 0);
    regions.set(spec.code, region);
    if (spec.studies.length > 0) {
      const res = await postGraphQL(region.ingestUrl, UPSERT, { studies: spec.studies }, await auth.headers({ role: 'ARCHIVE', region: spec.code }));
      if (res.errors || res.data.upsertStudies.rejected.length > 0) throw new Error(`seeding ${spec.code} failed: ${JSON.stringify(res)}`);
    }
    return region;
  };
  const nationalDb = await createDatabase('e2e_national');
  databases.push(nationalDb);
  const gatewayEnv = {
    DATABASE_URL: withDatabase(adminUrl(), nationalDb),
    JWKS_FILE: auth.jwksFile,
    JWT_ISSUER: DEMO_ISSUER,
    JWT_AUDIENCE: DEMO_AUDIENCE,
    REGION_SIGNING_KEY: auth.signingKey,
    REGION_TIMEOUT_MS: String(options.regionTimeoutMs ?? 2000),
    BREAKER_FAILURES: String(options.breakerFailures ?? 3),
    BREAKER_OPEN_MS: String(options.breakerOpenMs ?? 10_000),
    REGISTRY_REFRESH_MS: '1000',
    ...(options.gatewayEnv ?? {}),
  };
  let gateway = await startService('gateway/index.ts', { ...gatewayEnv, PORT: '0' }, options.onGatewayLog);
  let gatewayUrl = gateway.info.url!;
  const replicas: ServiceProcess[] = [];
  const gatewayPort = new URL(gatewayUrl).port;
  await Promise.all(options.regions.map(addRegion));


  const topology: Topology = {
    get gatewayUrl() {
      return gatewayUrl;
    },
    nationalDatabaseUrl: withDatabase(adminUrl(), nationalDb),
    get baseUrl() {
      return gatewayUrl.replace(/\/graphql$/, '');
    },
    auth,
    adminHeaders,
    regions,
    query: (query, variables = {}, headers = clinicianHeaders) => postGraphQL(gatewayUrl, query, variables, headers),
    register: (code, name, url, timeoutMs) =>
      postGraphQL(
        gatewayUrl,
        `mutation($input: RegisterRegionInput!) { registerRegion(input: $input) { code name timeoutMs circuit } }`,
        { input: { code, name, url, ...(timeoutMs ? { timeoutMs } : {}) } },
        adminHeaders,
      ),
    addRegion,
    stopRegion: async (code) => {
      const region = regions.get(code)!;
      await region.process?.stop();
      region.process = null;
    },
    startRegion: async (code) => {
      const region = regions.get(code)!;
      await startRegionProcess(region, region.port);
    },
    restartGateway: async () => {
      await gateway.stop();
      gateway = await startService('gateway/index.ts', { ...gatewayEnv, PORT: gatewayPort }, options.onGatewayLog);
      gatewayUrl = gateway.info.url!;
    },
    startGatewayReplica: async (env = {}) => {
      const replica = await startService('gateway/index.ts', { ...gatewayEnv, ...env, PORT: '0' });
      replicas.push(replica);
      const url = replica.info.url!;
      return { url, baseUrl: url.replace(/\/graphql$/, ''), process: replica, stop: () => replica.stop() };
    },
    stop: async () => {
      await Promise.all([...replicas.map((r) => r.stop()), gateway.stop(), ...[...regions.values()].map((r) => r.process?.stop())]);
      await dropDatabases(databases);
    },
  };
  for (const region of [...regions.values()].sort((a, b) => a.code.localeCompare(b.code))) {
    const res = await topology.register(region.code, region.name, region.url);
    if (res.errors) throw new Error(`registering ${region.code} failed: ${JSON.stringify(res.errors)}`);
  }
  return topology;
}
