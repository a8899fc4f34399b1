import type { Pool } from 'pg';
import { createLogger } from '../../lib/logger';
import { createRegionServer, type RegionServerOptions, type RunningRegion } from '../../subgraphs/region/server';
import type { TestAuth } from './testAuth';

/** Region LDS in-process over a test database, signed and authenticated with `auth`; `options` override. */
export function startTestRegion(pool: Pool, auth: TestAuth, options: Partial<RegionServerOptions> = {}): Promise<RunningRegion> {
  return createRegionServer({
    region: { code: 'LDS', name: 'West Yorkshire' },
    pool,
    logger: createLogger('test', 'silent'),
    gatewaySecret: auth.regionSecret('LDS'),
    // No gateway here, so writes are unpublished and held for one lease: keep it short.
    leaseMs: 50,
    authenticate: auth.authenticate,
    archiveBaseUrl: 'https://pacs.lds.example.nhs.uk/dicomweb',
    ...options,
  });
}
