import type { IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { Authenticate } from '../../lib/auth/createAuthenticator';
import { requireUser } from '../../lib/auth/requireUser';
import type { Refusal } from '../../lib/http/createGraphQLHandler';
import { AuditCollector } from '../audit/AuditCollector';
import type { RateLimit } from './createSharedRateLimiter';
import { createDeferred } from '../../lib/async/createDeferred';
import { GATEWAY_ERRORS } from '../errors';
import type { GatewayContext, User } from '../GatewayContext';

/** Options for {@link createRequestGate}. */
export interface RequestGateOptions {
  authenticate: Authenticate;
  /** Allows or refuses one more request from a user (gateway/auth/createSharedRateLimiter.ts). */
  rateLimit: RateLimit;
}

/** The gate every GraphQL request passes: `verify` before parsing, `context` for those let through. */
export interface RequestGate {
  verify(req: IncomingMessage): Promise<Refusal | null>;
  context(req: IncomingMessage): Promise<GatewayContext>;
}

/**
 * Authentication and the per-user rate limit. Every GraphQL request needs a verified
 * token: refused here, before parsing, so an anonymous or forged caller never reaches
 * planning, let alone a region.
 */
export function createRequestGate(options: RequestGateOptions): RequestGate {
  const users = new WeakMap<IncomingMessage, User>();
  return {
    async verify(req) {
      const checked = requireUser(await options.authenticate(req), { unauthenticated: GATEWAY_ERRORS.UNAUTHENTICATED, anonymousMessage: 'a bearer token is required', challenge: true });
      if ('refusal' in checked) return checked.refusal;
      if (!(await options.rateLimit(checked.user.id))) {
        return { error: GATEWAY_ERRORS.RATE_LIMITED, message: 'too many requests from this user; slow down', headers: { 'retry-after': '60' } };
      }
      users.set(req, checked.user);
      return null;
    },
    async context(req) {
      const user = users.get(req);
      if (!user) throw new Error('request reached GraphQL without a verified user');
      // Always ours: the audit trail's request id must not be chosen by the caller.
      return { user, requestId: randomUUID(), audit: new AuditCollector(), auditSettled: createDeferred() };
    },
  };
}
