import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { defaultExamples } from '../../gateway/ide/defaultExamples';
import { createGatewayServer, type RunningGateway } from '../../gateway/server';
import { createLogger } from '../../lib/logger';
import { createRegionServer, type RunningRegion } from '../../subgraphs/region/server';
import { createTestDatabase, type TestDatabase } from './database';
import { postGraphQL } from './postGraphQL';
import { studyInput, UPSERT } from './studyInputs';
import { createTestAuth } from './testAuth';

/** The patient whose study the IDE shows; a 999 test number with a valid check digit. */
export const IDE_TEST_NHS_NUMBER = '9990000018';
export const IDE_TEST_STUDY_UID = '1.2.826.0.1.3680043.8.498.20240315101500';

export interface IdeTestGatewayOptions {
  defaultHeaders?: string;
  /** Pre-fill the IDE's headers with a real clinician token (as an analyst would paste one). */
  prefillClinicianToken?: boolean;
}

export interface IdeTestGateway {
  /** Origin the browser opens, e.g. http://127.0.0.1:41234 */
  url: string;
  graphqlPath: string;
  /** Authorization header of every GraphQL request received, in order (null when absent). */
  authorizations: Array<string | null>;
  /** Headers a clinician or an analyst pastes into the IDE. */
  clinicianHeaders: Record<string, string>;
  analystHeaders: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * The real national gateway over one real region (both in this process, on the test
 * PostgreSQL), holding one study for IDE_TEST_NHS_NUMBER. A pass-through recorder in front
 * notes the Authorization header of every GraphQL request, so a test can check that what
 * the analyst typed in the IDE's headers editor reached the gateway.
 */
export async function startIdeTestGateway(options: IdeTestGatewayOptions = {}): Promise<IdeTestGateway> {
  const logger = createLogger('ide-test', 'silent');
  const regionDb: TestDatabase = await createTestDatabase('region', 'ide');
  const nationalDb: TestDatabase = await createTestDatabase('national', 'ide');
  const auth = await createTestAuth();
  const region: RunningRegion = await createRegionServer({
    region: { code: 'Y63', name: 'North East and Yorkshire' },
    pool: regionDb.pool,
    logger,
    gatewaySecret: auth.regionSecret('Y63'),
    // No gateway here, so writes are unpublished and held for one lease: keep it short.
    leaseMs: 50,
    authenticate: auth.authenticate,
  });
  const seeded = await postGraphQL(region.ingestUrl, UPSERT, {
    studies: [
      studyInput('0', IDE_TEST_NHS_NUMBER, {
        studyInstanceUid: IDE_TEST_STUDY_UID,
        studyDate: '2024-03-15',
        modalities: ['CT'],
        wadoRsUrl: `https://pacs.y63.example.nhs.uk/dicom-web/studies/${IDE_TEST_STUDY_UID}`,
        series: [{ seriesInstanceUid: `${IDE_TEST_STUDY_UID}.1`, seriesNumber: 1, modality: 'CT', description: 'Axial 1mm' }],
      }),
    ],
  }, await auth.headers({ role: 'ARCHIVE', region: 'Y63' }));
  if (seeded.data?.upsertStudies?.inserted !== 1) throw new Error(`seeding the IDE region failed: ${JSON.stringify(seeded)}`);
  const clinicianToken = await auth.token({ role: 'CLINICIAN', sub: 'ide-clinician', purposeOfUse: 'DIRECT_CARE' });
  const defaultHeaders = options.prefillClinicianToken ? JSON.stringify({ Authorization: `Bearer ${clinicianToken}` }) : options.defaultHeaders;
  const gateway: RunningGateway = await createGatewayServer({
    pool: nationalDb.pool,
    logger,
    authenticate: auth.authenticate,
    regionSigningKey: auth.signingKey,
    registryRefreshMs: 0,
    ideExamples: defaultExamples(IDE_TEST_NHS_NUMBER),
    ...(defaultHeaders ? { ideDefaultHeaders: defaultHeaders } : {}),
  });
  const registered = await gateway.registry.register({ code: 'Y63', name: 'North East and Yorkshire', url: region.url }, { mayCreate: true });
  if (registered.kind !== 'registered') throw new Error(`registering the IDE region failed: ${JSON.stringify(registered)}`);

  const authorizations: Array<string | null> = [];
  const target = new URL(gateway.baseUrl);
  const recorder = http.createServer((req, res) => {
    if ((req.url ?? '').startsWith('/graphql')) authorizations.push(req.headers.authorization ?? null);
    const upstream = http.request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => recorder.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(recorder.address() as AddressInfo).port}`,
    graphqlPath: '/graphql',
    authorizations,
    clinicianHeaders: { Authorization: `Bearer ${clinicianToken}` },
    analystHeaders: { Authorization: `Bearer ${await auth.token({ role: 'ANALYST', sub: 'ide-analyst' })}` },
    stop: async () => {
      recorder.closeAllConnections();
      await new Promise<void>((resolve) => recorder.close(() => resolve()));
      await gateway.stop();
      await region.stop();
      await regionDb.drop();
      await nationalDb.drop();
    },
  };
}
