import type { Principal, User } from '../lib/auth/Principal';
import type { AuditCollector } from './audit/AuditCollector';
import type { Deferred } from '../lib/async/createDeferred';

export type { Principal, User };

/** Per-request context of the national gateway. Only verified users get this far. */
export interface GatewayContext extends Record<string, unknown> {
  user: User;
  requestId: string;
  /** What this request read from which region, for the audit trail. */
  audit: AuditCollector;
  /** Settled by the audit plugin once the answer is final (written, or withheld): metrics wait for it. */
  auditSettled: Deferred;
}
