import type { Pool } from 'pg';
import type { Logger } from '../../lib/logger';

/** Claims a request nonce for this region: true the first time, false for a replay. */
export interface NonceStore {
  claim(nonce: string): Promise<boolean>;
  close(): void;
}

/** Longer than the signature window either side (lib/security/gatewaySignature.ts). */
const KEEP_SECONDS = 120;

/**
 * The region's replay memory in its own database (schema/migrations/region/006), shared
 * by all its replicas. Expired nonces are deleted once a minute by whichever replica runs.
 */
export function createNonceStore(pool: Pool, logger: Logger): NonceStore {
  const sweep = setInterval(() => {
    pool.query('DELETE FROM gateway_nonce WHERE expires_at < now()').catch((err: unknown) => logger.warn({ err: (err as Error).message }, 'nonce sweep failed'));
  }, 60_000);
  sweep.unref();
  return {
    claim: async (nonce) => {
      // Named: prepared once per connection, as it runs on every request.
      const { rowCount } = await pool.query({
        name: 'region-nonce-claim',
        text: `INSERT INTO gateway_nonce (nonce, expires_at) VALUES ($1, now() + make_interval(secs => $2)) ON CONFLICT (nonce) DO NOTHING`,
        values: [nonce, KEEP_SECONDS],
      });
      return rowCount === 1;
    },
    close: () => clearInterval(sweep),
  };
}
