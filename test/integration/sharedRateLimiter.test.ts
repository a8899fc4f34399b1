import { createSharedRateLimiter, type RateLimit } from '../../gateway/auth/createSharedRateLimiter';
import { createLogger } from '../../lib/logger';
import { createTestDatabase, type TestDatabase } from '../support/database';

const logger = createLogger('silent');

async function allowedOf(limits: RateLimit[], user: string, requests: number): Promise<number> {
  let allowed = 0;
  // Round robin over the replicas, one request at a time, as a load balancer would.
  for (let i = 0; i < requests; i++) if (await limits[i % limits.length]!(user)) allowed++;
  return allowed;
}

describe('the shared rate limit with leased requests', () => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await createTestDatabase('national', 'ratelimit');
  });
  afterEach(async () => db.drop());

  it('allows exactly the limit on one replica, even when the limit is not a multiple of the lease', async () => {
    // 7% of 101: leases of 7 requests; the last claim is granted only the 3 left.
    const limit = createSharedRateLimiter(db.pool, { points: 101, leasePercent: 7 }, logger);
    expect(await allowedOf([limit], 'dr-one', 150)).toBe(101);
  });

  it('never allows more than the limit across replicas sharing the database, and refuses at most a lease per other replica early', async () => {
    const replicas = [0, 1, 2].map(() => createSharedRateLimiter(db.pool, { points: 100, leasePercent: 7 }, logger));
    const allowed = await allowedOf(replicas, 'dr-many', 200);
    expect(allowed).toBeLessThanOrEqual(100);
    expect(allowed).toBeGreaterThanOrEqual(100 - 2 * 7);
  });

  it('never allows more than the limit to one user sending concurrently', async () => {
    const replicas = [0, 1].map(() => createSharedRateLimiter(db.pool, { points: 50, leasePercent: 10 }, logger));
    const results = await Promise.all(Array.from({ length: 120 }, (_, i) => replicas[i % 2]!('dr-burst')));
    const allowed = results.filter(Boolean).length;
    expect(allowed).toBeLessThanOrEqual(50);
    expect(allowed).toBeGreaterThanOrEqual(50 - 5);
  });

  it('does not carry a lease into the next window', async () => {
    const limit = createSharedRateLimiter(db.pool, { points: 5, leasePercent: 100, windowSeconds: 1 }, logger);
    // Claims all 5, spends 1: 4 left in this window's lease.
    expect(await limit('dr-window')).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    // A new window: 5 more, not 4 left over plus 5.
    expect(await allowedOf([limit], 'dr-window', 12)).toBe(5);
  });

  it('counts users separately', async () => {
    const limit = createSharedRateLimiter(db.pool, { points: 10, leasePercent: 20 }, logger);
    expect(await allowedOf([limit], 'dr-a', 15)).toBe(10);
    expect(await allowedOf([limit], 'dr-b', 15)).toBe(10);
  });
});
