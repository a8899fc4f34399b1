import type { Pool, PoolClient } from 'pg';
import { DeadlineExceededError, withDeadline } from '../../lib/async/withDeadline';
import type { User } from '../../lib/auth/Principal';
import type { AuditRegion } from './AuditCollector';

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
  /** @param budgetMs how long a write (or a readiness probe) may take before it counts as failed. */
  constructor(
    private readonly pool: Pool,
    private readonly budgetMs: number,
  ) {}

  /**
   * Throws when the record cannot be written within the budget; the caller then withholds
   * the data. The server gives up at the budget too (lock and statement timeouts local to
   * the transaction), so a locked table does not pile up connections waiting on it.
   */
  async write(record: AuditRecord): Promise<void> {
    // The commit is the decision: a row is committed only if COMMIT was sent within the
    // budget (and then the caller waits for it), so a withheld answer never leaves a row
    // saying it was released, and a released answer always has its row.
    const state: { value: 'running' | 'committing' | 'abandoned' } = { value: 'running' };
    const work = this.insert(record, () => {
      if (state.value === 'abandoned') return false;
      state.value = 'committing';
      return true;
    });
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), this.budgetMs);
    });
    try {
      if ((await Promise.race([work.then(() => 'done' as const), late])) === 'done') return;
    } finally {
      clearTimeout(timer);
    }
    if (state.value === 'committing') return work;
    state.value = 'abandoned';
    work.catch(() => undefined);
    throw new DeadlineExceededError(`audit write did not finish within ${this.budgetMs} ms`);
  }

  /** Whether a row could be appended now: takes the lock an INSERT needs without waiting, then rolls back. */
  async probe(): Promise<boolean> {
    try {
      await withDeadline(
        this.inTransaction(async (client) => {
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

  private async inTransaction(work: (client: PoolClient) => Promise<void>): Promise<void> {
    const client = await this.pool.connect();
    let failed = false;
    try {
      await client.query('BEGIN');
      await client.query("SELECT set_config('lock_timeout', $1, true), set_config('statement_timeout', $1, true)", [`${this.budgetMs}ms`]);
      await work(client);
    } catch (err) {
      failed = true;
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release(failed);
    }
  }

  private async insert(record: AuditRecord, mayCommit: () => boolean): Promise<void> {
    await this.inTransaction(async (client) => {
      await client.query(
        `INSERT INTO audit_event (user_id, role, organisation, purpose_of_use, nhs_numbers, study_uids, operation_name, regions, outcome, request_id, purpose_source)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [
          record.user.id,
          record.user.role,
          record.user.organisation,
          record.user.purposeOfUse,
          record.nhsNumbers,
          record.studyUids,
          record.operationName,
          JSON.stringify(record.regions),
          record.outcome,
          record.requestId,
          record.user.purposeSource,
        ],
      );
      if (!mayCommit()) throw new DeadlineExceededError('audit write abandoned after its budget');
      await client.query('COMMIT');
    });
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
