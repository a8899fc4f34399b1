import { LRUCache } from 'lru-cache';
import type { Pool } from 'pg';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import { withDeadline } from '../../lib/async/withDeadline';
import type { Logger } from '../../lib/logger';
import { GATEWAY_DEFAULTS } from '../defaults';

/** Whether one more request from a user is allowed now. */
export type RateLimit = (userId: string) => Promise<boolean>;

/** Options for {@link createSharedRateLimiter}. */
export interface SharedRateLimiterOptions {
  /** Requests per user per window, across every replica. */
  points: number;
  /** Share of `points` one replica claims from the database at a time (at least 1 request). @defaultValue GATEWAY_DEFAULTS.rateLimitLeasePercent */
  leasePercent?: number;
  /** The window, seconds. @defaultValue 60 */
  windowSeconds?: number;
}

/** How long the shared store may take before this replica decides alone. */
const STORE_BUDGET_MS = 500;
/** Users with a lease held at once; an evicted lease only costs its unspent requests. */
const MAX_LEASES = 100_000;

interface Lease {
  remaining: number;
  /** End of the database window the requests were claimed in, ms since the epoch. */
  until: number;
}

type ClaimOutcome = 'leased' | 'refused' | 'unavailable';

/** Requests one replica claims at once: `percent` of the limit, at least one. */
export function rateLimitLease(points: number, percent: number): number {
  return Math.max(1, Math.floor((points * percent) / 100));
}

/**
 * The per-user rate limit, counted in the national database so that it holds across every
 * gateway replica (schema/migrations/national/005). When the database is slow or down the
 * replica falls back to its own in-memory count (the same limit per replica), so a database
 * fault neither blocks every request nor lifts the limit.
 *
 * A replica claims a lease of requests at a time (1% of the limit by default: 6 of 600) with
 * one upsert, and spends it locally until it is used up or its window ends. Claims are
 * counted in the database before they are spent, so across all replicas a user is never
 * allowed more than the limit in a window. The tolerance is the other way only: requests
 * leased to one replica and not spent there are not available to another, so a user spread
 * over R replicas may be refused up to (R - 1) x lease requests early in a window. A claim
 * that crosses the limit is granted only the requests left below it.
 */
export function createSharedRateLimiter(pool: Pool, options: SharedRateLimiterOptions, logger: Logger): RateLimit {
  const { points } = options;
  const duration = options.windowSeconds ?? 60;
  const lease = rateLimitLease(points, options.leasePercent ?? GATEWAY_DEFAULTS.rateLimitLeasePercent);
  const shared = new RateLimiterPostgres({ storeClient: pool, storeType: 'pool', tableName: 'rate_limit', tableCreated: true, points, duration });
  const local = new RateLimiterMemory({ points, duration });
  const leases = new LRUCache<string, Lease>({ max: MAX_LEASES });
  // One claim per user at a time: concurrent requests of one user wait for it, then spend it.
  const claiming = new Map<string, Promise<ClaimOutcome>>();

  const spend = (userId: string): boolean => {
    const held = leases.get(userId);
    if (!held || held.remaining <= 0 || Date.now() >= held.until) return false;
    held.remaining--;
    return true;
  };

  const countLocally = async (userId: string): Promise<boolean> => {
    try {
      await local.consume(userId);
      return true;
    } catch {
      return false;
    }
  };

  /** Claims a lease for the user: `leased` (spend from it), `refused`, or `unavailable` (count locally). */
  const claim = async (userId: string): Promise<ClaimOutcome> => {
    try {
      const res = await withDeadline(shared.consume(userId, lease), STORE_BUDGET_MS, 'shared rate limit');
      leases.set(userId, { remaining: lease, until: Date.now() + res.msBeforeNext });
      return 'leased';
    } catch (err) {
      if (err instanceof RateLimiterRes) {
        // The claim took the counter past the limit: only what was left below it is ours.
        const left = points - (err.consumedPoints - lease);
        if (left <= 0) return 'refused';
        leases.set(userId, { remaining: Math.min(left, lease), until: Date.now() + err.msBeforeNext });
        return 'leased';
      }
      logger.warn({ err: (err as Error).message }, 'shared rate limit unavailable: counting on this replica');
      return 'unavailable';
    }
  };

  return async (userId) => {
    for (;;) {
      if (spend(userId)) return true;
      let pending = claiming.get(userId);
      if (!pending) {
        pending = claim(userId).finally(() => claiming.delete(userId));
        claiming.set(userId, pending);
      }
      const outcome = await pending;
      switch (outcome) {
        case 'leased':
          // Spend from it (another request of this user may have used it up: then claim again).
          continue;
        case 'refused':
          return false;
        case 'unavailable':
          return countLocally(userId);
        default: {
          const never: never = outcome;
          throw new Error(`unknown claim outcome ${String(never)}`);
        }
      }
    }
  };
}
