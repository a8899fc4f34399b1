import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../dev/freePort';
import { ensureClientKeys } from '../../dev/oidc/ensureClientKeys';
import { startDemoIdentityProvider } from '../../dev/oidc/startDemoIdentityProvider';
import { DEMO_AUDIENCE, DEMO_ISSUER } from '../../dev/demoKeys';
import { spawnService, type ServiceProcess } from '../../dev/spawnService';
import { withDatabase } from '../../lib/db/createPool';
import { adminUrl, createEmptyDatabase, dropDatabases } from './database';
import { postGraphQL, type GraphQLAnswer } from './postGraphQL';
import { signInWithFetch, type FetchSession } from './signInWithFetch';
import { UPSERT } from './studyInputs';
import { createTestAuth } from './testAuth';

const CLIENT_ID = 'imaging-index-ide-test';
export const SIGN_IN_REGION = { code: 'LDS', name: 'West Yorkshire' } as const;

export interface SignInTopologyOptions {
  /** Studies for the one region (StudyInput objects). */
  studies: Record<string, unknown>[];
  /** The demo patient's NHS number at the NHS login stand-in. */
  patientNhsNumber: string;
  /** Lifetime of the providers' access tokens, seconds (short to exercise refresh). */
  accessTokenTtlSeconds?: number;
}

export interface SignInTopology {
  /** The gateway's origin, e.g. http://127.0.0.1:43121 (its PUBLIC_URL). */
  gatewayBase: string;
  staffIssuer: string;
  patientIssuer: string;
  nationalDatabaseUrl: string;
  signIn(provider: 'staff' | 'patient', account: string): Promise<FetchSession>;
  /** POST /graphql with a session's cookie and, unless told otherwise, its CSRF token. */
  query(session: FetchSession, query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLAnswer<any>>;
  stop(): Promise<void>;
}


/**
 * The demo identity providers (staff and patient, each its own oidc-provider process),
 * a gateway process with IDE sign-in configured against them, and one region process
 * seeded through its ingest API and registered by the demo administrator signing in.
 */
export async function startSignInTopology(options: SignInTopologyOptions): Promise<SignInTopology> {
  const processes: ServiceProcess[] = [];
  const databases: string[] = [];
  const keyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'imaging-signin-'));
  const stop = async () => {
    await Promise.all(processes.map((p) => p.stop()));
    await dropDatabases(databases);
    fs.rmSync(keyDir, { recursive: true, force: true });
  };
  try {
    const port = await freePort();
    const gatewayBase = `http://127.0.0.1:${port}`;
    const client = await ensureClientKeys(keyDir);
    const auth = await createTestAuth();
    const common = { clientJwksFile: client.publicJwksFile, redirectUris: [`${gatewayBase}/ide/auth/callback`], audience: DEMO_AUDIENCE, clientId: CLIENT_ID, patientNhsNumber: options.patientNhsNumber, ...(options.accessTokenTtlSeconds ? { accessTokenTtlSeconds: options.accessTokenTtlSeconds } : {}) };
    const [staff, patient] = await Promise.all([startDemoIdentityProvider({ ...common, profile: 'staff' }), startDemoIdentityProvider({ ...common, profile: 'patient' })]);
    processes.push(staff, patient);
    const nationalDb = await createEmptyDatabase('signin_national');
    const regionDb = await createEmptyDatabase('signin_lds');
    databases.push(nationalDb, regionDb);
    const quiet = { LOG_LEVEL: process.env.SERVICE_LOG_LEVEL ?? 'silent' };
    const gateway = await spawnService('gateway/index.ts', {
      env: {
        ...quiet,
        PORT: String(port),
        DATABASE_URL: withDatabase(adminUrl(), nationalDb),
        REGION_SIGNING_KEY: auth.signingKey,
        REGISTRY_REFRESH_MS: '1000',
        JWKS_URL: `${staff.issuer}/jwks`,
        JWT_ISSUER: staff.issuer,
        JWT_AUDIENCE: DEMO_AUDIENCE,
        PATIENT_JWKS_URL: `${patient.issuer}/jwks`,
        PATIENT_JWT_ISSUER: patient.issuer,
        OIDC_ISSUER: staff.issuer,
        OIDC_PATIENT_ISSUER: patient.issuer,
        OIDC_CLIENT_ID: CLIENT_ID,
        OIDC_CLIENT_KEY_FILE: client.privateKeyFile,
        PUBLIC_URL: gatewayBase,
        IDE_EXAMPLE_NHS_NUMBER: options.patientNhsNumber,
      },
    });
    processes.push(gateway);
    const region = await spawnService('subgraphs/region/index.ts', {
      env: {
        ...quiet,
        REGION_CODE: SIGN_IN_REGION.code,
        REGION_NAME: SIGN_IN_REGION.name,
        PORT: '0',
        DATABASE_URL: withDatabase(adminUrl(), regionDb),
        GATEWAY_SHARED_SECRET: auth.regionSecret(SIGN_IN_REGION.code),
        JWKS_FILE: auth.jwksFile,
        JWT_ISSUER: DEMO_ISSUER,
        JWT_AUDIENCE: DEMO_AUDIENCE,
        GATEWAY_URL: gatewayBase,
      },
    });
    processes.push(region);
    const seeded = await postGraphQL(region.info.ingestUrl!, UPSERT, { studies: options.studies }, await auth.headers({ role: 'ARCHIVE', region: SIGN_IN_REGION.code }));
    if (seeded.errors || seeded.data?.upsertStudies?.rejected?.length) throw new Error(`seeding failed: ${JSON.stringify(seeded)}`);

    const query = (session: FetchSession, text: string, variables: Record<string, unknown> = {}, headers?: Record<string, string>) =>
      postGraphQL(`${gatewayBase}/graphql`, text, variables, { cookie: session.jar.header(gatewayBase), ...(headers ?? (session.csrfToken ? { 'x-csrf-token': session.csrfToken } : {})) });
    const admin = await signInWithFetch(gatewayBase, 'staff', 'demo-admin');
    if (!admin.csrfToken) throw new Error(`the demo administrator could not sign in (${admin.status}): ${admin.body.slice(0, 500)}`);
    const registered = await query(admin, 'mutation($i: RegisterRegionInput!) { registerRegion(input: $i) { code } }', { i: { ...SIGN_IN_REGION, url: region.info.url } });
    if (registered.errors) throw new Error(`registering the region failed: ${JSON.stringify(registered.errors)}`);
    return {
      gatewayBase,
      staffIssuer: staff.issuer,
      patientIssuer: patient.issuer,
      nationalDatabaseUrl: withDatabase(adminUrl(), nationalDb),
      signIn: (provider, account) => signInWithFetch(gatewayBase, provider, account),
      query,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
