import type { Pool } from 'pg';
import { withDeadline } from '../../lib/async/withDeadline';
import type { User } from '../../lib/auth/Principal';
import type { AuditRegion } from './AuditCollector';
import { AuditGroupCommit } from './AuditGroupCommit';
import { inAuditTransaction } from './inAuditTransaction';

export type AuditOutcome = 'OK' | 'PARTIAL' | 'DENIED' | 'ERROR';

export interface AuditRecord {
  user: User;
  nhsNumbers: string[];
  studyUids: string[];
  operationName: string | null;
  regions: AuditRegion[];
  outcome: AuditOutcome;
  requestId: string;
}

export interface AuditQuery {
  nhsNumber?: string | null;
  userId?: string | null;
  from?: string | null;
  to?: string | null;
  first: number;
}

interface Row {
  id: string;
  at: Date;
  user_id: string;
  role: string;
  organisation: string | null;
  purpose_of_use: string | null;
  purpose_source: string | null;
  nhs_numbers: string[];
  study_uids: string[];
  operation_name: string | null;
  regions: AuditRegion[];
  outcome: AuditOutcome;
  request_id: string;
}

/** The append-only audit trail in the national database (schema/migrations/national/002). */
export class AuditTrail {
  private readonly groupCommit: AuditGroupCommit;

  /** @param budgetMs how long a write (or a readiness probe) may take before it counts as failed. */
  constructor(
    private readonly pool: Pool,
    private readonly budgetMs: number,
  ) {
    this.groupCommit = new AuditGroupCommit(pool, budgetMs);
  }

  /**
   * Throws when the record cannot be written within the budget; the caller then withholds
   * the data. Rows of concurrent requests share one INSERT and one COMMIT
   * (gateway/audit/AuditGroupCommit.ts); each still resolves only once its own row is
   * committed, and a row is committed only if COMMIT was sent within its budget, so a
   * withheld answer never leaves a row saying it was released, and a released answer
   * always has its row.
   */
  async write(record: AuditRecord): Promise<void> {
    return this.groupCommit.write(record);
  }

  /** Whether a row could be appended now: takes the lock an INSERT needs without waiting, then rolls back. */
  async probe(): Promise<boolean> {
    try {
      await withDeadline(
        inAuditTransaction(this.pool, this.budgetMs, async (client) => {
          await client.query('LOCK TABLE audit_event IN ROW EXCLUSIVE MODE NOWAIT');
          await client.query('ROLLBACK');
        }),
        this.budgetMs,
        'audit probe',
      );
      return true;
    } catch {
      return false;
    }
  }

  async find(query: AuditQuery) {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.nhsNumber) {
      params.push([query.nhsNumber]);
      where.push(`nhs_numbers @> $${params.length}::text[]`);
    }
    if (query.userId) {
      params.push(query.userId);
      where.push(`user_id = $${params.length}`);
    }
    if (query.from) {
      params.push(query.from);
      where.push(`at >= $${params.length}::timestamptz`);
    }
    if (query.to) {
      params.push(query.to);
      where.push(`at <= $${params.length}::timestamptz`);
    }
    params.push(query.first);
    const { rows } = await this.pool.query<Row>(
      `SELECT id, at, user_id, role, organisation, purpose_of_use, purpose_source, nhs_numbers, study_uids, operation_name, regions, outcome, request_id
       FROM audit_event ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY at DESC, id DESC LIMIT $${params.length}`,
      params,
    );
    return rows.map((r) => ({
      id: r.id,
      at: r.at.toISOString(),
      userId: r.user_id,
      role: r.role,
      organisation: r.organisation,
      purposeOfUse: r.purpose_of_use,
      purposeSource: r.purpose_source,
      nhsNumbers: r.nhs_numbers,
      studyUids: r.study_uids,
      operationName: r.operation_name,
      regions: r.regions,
      outcome: r.outcome,
      requestId: r.request_id,
    }));
  }
}
