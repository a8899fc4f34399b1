import type { Pool } from 'pg';
import type { User } from '../../lib/auth/Principal';

export type RegistryAction = 'REGISTER' | 'DEREGISTER';
export type RegistryEventOutcome = 'CREATED' | 'REPLACED' | 'DEREGISTERED' | 'NOT_REGISTERED' | 'REFUSED' | 'DENIED';

/** One change of, or refused attempt at, the region registry. */
export interface RegistryEvent {
  user: User;
  action: RegistryAction;
  regionCode: string;
  url: string | null;
  outcome: RegistryEventOutcome;
  reasons: string[];
  requestId: string;
}

/** The append-only registry trail in the national database (schema/migrations/national/004). */
export class RegistryAuditTrail {
  constructor(private readonly pool: Pool) {}

  /** Throws when the record cannot be written; the caller then fails the change's answer. */
  async write(event: RegistryEvent): Promise<void> {
    await this.pool.query(
      `INSERT INTO registry_event (user_id, role, organisation, action, region_code, url, outcome, reasons, request_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [event.user.id, event.user.role, event.user.organisation, event.action, event.regionCode.trim().toUpperCase(), event.url, event.outcome, event.reasons, event.requestId],
    );
  }
}
