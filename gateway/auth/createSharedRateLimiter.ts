import type { Pool } from 'pg';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import { withDeadline } from '../../lib/async/withDeadline';
import type { Logger } from '../../lib/logger';

/** Whether one more request from a user is allowed now. */
export type RateLimit = (userId: string) => Promise<boolean>;

/** How long the shared store may take before this replica decides alone. */
const STORE_BUDGET_MS = 500;

/**
 * The per-user rate limit, counted in the national database so that it holds across every
 * gateway replica (schema/migrations/national/005). When the database is slow or down the
 * replica falls back to its own in-memory count (the same limit per replica), so a database
 * fault neither blocks every request nor lifts the limit.
 */
export function createSharedRateLimiter(pool: Pool, pointsPerMinute: number, logger: Logger): RateLimit {
  const shared = new RateLimiterPostgres({ storeClient: pool, storeType: 'pool', tableName: 'rate_limit', tableCreated: true, points: pointsPerMinute, duration: 60 });
  const local = new RateLimiterMemory({ points: pointsPerMinute, duration: 60 });
  return async (userId) => {
    try {
      await withDeadline(shared.consume(userId), STORE_BUDGET_MS, 'shared rate limit');
      return true;
    } catch (err) {
      if (err instanceof RateLimiterRes) return false;
      logger.warn({ err: (err as Error).message }, 'shared rate limit unavailable: counting on this replica');
      try {
        await local.consume(userId);
        return true;
      } catch {
        return false;
      }
    }
  };
}
