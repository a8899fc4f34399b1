import type { Pool } from 'pg';
import { request } from 'undici';
import type { Logger } from '../../../lib/logger';
import {
  DEFAULT_LEASE_MS,
  MAX_CHANGES_PER_MESSAGE,
  PUBLISH_PATH,
  purposeBound,
  REGION_CODE_HEADER,
  REGION_SIGNATURE_HEADER,
  SIGNATURE_PURPOSE,
} from '../../../lib/locator/membershipProtocol';
import { signWithKeyring } from '../../../lib/security/gatewaySignature';
import { parseKeyring } from '../../../lib/security/Keyring';
import { readMembershipChanges } from './readMembership';

/** Options for {@link MembershipPublisher}. */
export interface MembershipPublisherOptions {
  pool: Pool;
  logger: Logger;
  region: string;
  /** The region's secret shared with the gateway (the same one that signs gateway requests). */
  secret: string;
  /** Base URL of the national gateway (or its load balancer); null: nowhere to publish. */
  gatewayUrl: string | null;
  /** @default DEFAULT_LEASE_MS */
  leaseMs?: number;
  /** Budget for one publication round trip. @default 2000 */
  timeoutMs?: number;
  /** Called with the sequence the national side has, after each successful publication. */
  onPublished?: (seq: number) => void;
}

/** What became of a write's membership change before the write was acknowledged. */
export type Publication =
  | { kind: 'published'; seq: number }
  /** The gateway has not registered this region: it routes nothing here yet, and checks the whole log at registration. */
  | { kind: 'not-registered'; seq: number }
  /** Could not tell the national side; waited out the lease so no replica still trusts the old summary. */
  | { kind: 'unpublished'; reason: string; waitedMs: number };

/**
 * Publishes a region's membership changes to the national gateway before the write that
 * caused them is acknowledged: the never-miss guarantee's first half. The second half is
 * the lease: if publishing fails, the caller is held for one lease so every gateway replica
 * either sees the region's higher sequence (it polls) or stops trusting its summary, and
 * asks this region about every patient until it has caught up.
 */
export class MembershipPublisher {
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: MembershipPublisherOptions) {}

  /**
   * Publishes everything not yet published. Serialised, so two writes never race to send
   * overlapping ranges; a write whose changes an earlier call already sent finds nothing left.
   */
  publish(): Promise<Publication> {
    const next = this.chain.then(() => this.publishPending()).then((publication) => {
      if (publication.kind !== 'unpublished') this.options.onPublished?.(publication.seq);
      return publication;
    });
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async publishPending(): Promise<Publication> {
    const started = Date.now();
    const { gatewayUrl, pool, logger } = this.options;
    const lease = this.options.leaseMs ?? DEFAULT_LEASE_MS;
    const fail = async (reason: string): Promise<Publication> => {
      logger.warn({ reason }, 'membership publication failed; holding the acknowledgement for one lease');
      // Measured from now, after the write committed: any confirmation a replica got
      // before the commit expires within one lease of it.
      await new Promise((r) => setTimeout(r, lease + 100));
      return { kind: 'unpublished', reason, waitedMs: Date.now() - started };
    };
    if (!gatewayUrl) return fail('GATEWAY_URL is not configured');
    try {
      let since = await this.publishedSeq();
      for (;;) {
        const changes = await readMembershipChanges(pool, this.options.region, since, MAX_CHANGES_PER_MESSAGE);
        if (changes.toSeq <= since && changes.nhsNumbers.length === 0) return { kind: 'published', seq: since };
        const answer = await this.send(JSON.stringify(changes));
        switch (answer.kind) {
          case 'applied':
            await pool.query('UPDATE membership_state SET published_seq = GREATEST(published_seq, $1)', [changes.toSeq]);
            since = changes.toSeq;
            if (since >= changes.seq) return { kind: 'published', seq: since };
            break;
          case 'gap':
            // The national side has less than we thought (a new gateway database, or a rebuild): resend from there.
            if (answer.publishedSeq >= since) return fail(`gateway answered gap at ${answer.publishedSeq} >= ${since}`);
            since = answer.publishedSeq;
            break;
          case 'not-registered':
            return { kind: 'not-registered', seq: changes.seq };
          case 'failed':
            return fail(answer.reason);
          default: {
            const never: never = answer;
            throw new Error(`unknown answer ${String(never)}`);
          }
        }
      }
    } catch (err) {
      return fail((err as Error).message);
    }
  }

  private async publishedSeq(): Promise<number> {
    const { rows } = await this.options.pool.query<{ published_seq: string }>('SELECT published_seq::text AS published_seq FROM membership_state');
    return Number(rows[0]?.published_seq ?? 0);
  }

  private async send(
    body: string,
  ): Promise<{ kind: 'applied' } | { kind: 'gap'; publishedSeq: number } | { kind: 'not-registered' } | { kind: 'failed'; reason: string }> {
    const url = new URL(PUBLISH_PATH, this.options.gatewayUrl!).toString();
    const res = await request(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [REGION_CODE_HEADER]: this.options.region,
        [REGION_SIGNATURE_HEADER]: signWithKeyring(parseKeyring(this.options.secret), purposeBound(SIGNATURE_PURPOSE.publish, body)),
      },
      body,
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 2000),
    });
    const text = await res.body.text();
    let parsed: { outcome?: string; publishedSeq?: number; error?: string } = {};
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch {
      return { kind: 'failed', reason: `gateway answered HTTP ${res.statusCode} without JSON` };
    }
    if (res.statusCode === 200 && parsed.outcome === 'applied') return { kind: 'applied' };
    if (res.statusCode === 200 && parsed.outcome === 'not-registered') return { kind: 'not-registered' };
    if (res.statusCode === 409 && typeof parsed.publishedSeq === 'number') return { kind: 'gap', publishedSeq: parsed.publishedSeq };
    return { kind: 'failed', reason: `gateway answered HTTP ${res.statusCode}: ${parsed.error ?? 'no reason given'}` };
  }
}
