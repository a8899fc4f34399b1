import type { Pool } from 'pg';
import { envNumber, envOptional } from '../../../lib/config/readEnv';
import { DEFAULT_LEASE_MS } from '../../../lib/locator/membershipProtocol';
import type { Logger } from '../../../lib/logger';
import { MembershipPublisher, type Publication } from './MembershipPublisher';

/**
 * After an out-of-process load (the bulk loader, the seed command) commits, tells the
 * national gateway of the patients it added, configured like the region itself
 * (REGION_CODE, GATEWAY_SHARED_SECRET, GATEWAY_URL, LOCATOR_LEASE_MS). Without them the
 * load cannot publish, so it is held for one lease instead: by then every gateway replica
 * has polled the region, seen its higher sequence, and asks it about every patient until
 * it has read the new entries. Either way, a patient the load added is never missed.
 */
export async function publishAfterLoad(pool: Pool, logger: Logger): Promise<Publication> {
  const region = envOptional('REGION_CODE')?.toUpperCase() ?? '';
  const secret = envOptional('GATEWAY_SHARED_SECRET') ?? '';
  const gatewayUrl = region && secret ? envOptional('GATEWAY_URL') : null;
  if (!gatewayUrl) logger.warn('REGION_CODE, GATEWAY_SHARED_SECRET or GATEWAY_URL not set: cannot publish membership; holding for one lease');
  const publisher = new MembershipPublisher({
    pool,
    logger,
    region,
    secret,
    gatewayUrl,
    leaseMs: envNumber('LOCATOR_LEASE_MS', DEFAULT_LEASE_MS, { min: 100, max: 600_000 }),
  });
  return publisher.publish();
}
