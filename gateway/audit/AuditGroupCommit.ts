import type { Pool } from 'pg';
import { inAuditTransaction } from './inAuditTransaction';
import { DeadlineExceededError } from '../../lib/async/withDeadline';
import type { AuditRecord } from './AuditTrail';

/** Most rows in one INSERT (11 parameters each, far below PostgreSQL's 65,535). */
const MAX_BATCH = 200;
const COLUMNS = 11;

interface Pending {
  record: AuditRecord;
  /** `committing` once COMMIT has been sent with this row in it; `abandoned` once its budget ran out first. */
  state: 'queued' | 'committing' | 'abandoned';
  /** Set after its batch failed: written in a transaction of its own, so one bad row fails only its own request. */
  solo?: boolean;
  resolve(): void;
  reject(err: Error): void;
}

/**
 * Group commit for the audit trail: rows queued while a transaction is in flight go to the
 * national database together, in one INSERT and one COMMIT, when it finishes. At concurrency 1
 * nothing waits (the queue is empty, the row goes at once); under load one commit (one WAL
 * flush with `synchronous_commit` on) serves many requests.
 *
 * Each request keeps its own guarantee, as when it had a transaction of its own:
 * - it is answered only after the COMMIT that made its row durable. When a batch fails, none
 *   of its rows is committed (one transaction), and each row is tried again in a
 *   transaction of its own: a row PostgreSQL refuses fails only its own request;
 * - COMMIT is sent only if every row in the batch is still within its budget. A row whose
 *   budget ran out first has already been refused to its client (503), so the batch rolls back
 *   (no row claims an answer that was withheld) and its other rows are sent again in the next
 *   batch, within what is left of their own budgets.
 */
export class AuditGroupCommit {
  private queue: Pending[] = [];
  private flushing = false;

  constructor(
    private readonly pool: Pool,
    private readonly budgetMs: number,
  ) {}

  /** Resolves once the row is committed; throws when it cannot be within the budget. */
  async write(record: AuditRecord): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    let pending!: Pending;
    const settled = new Promise<void>((resolve, reject) => {
      pending = { record, state: 'queued', resolve, reject };
    });
    this.queue.push(pending);
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), this.budgetMs);
    });
    this.kick();
    try {
      if ((await Promise.race([settled.then(() => 'done' as const), late])) === 'done') return;
    } finally {
      clearTimeout(timer);
    }
    // COMMIT already sent with this row in it: its outcome is the answer's.
    if (pending.state === 'committing') return settled;
    pending.state = 'abandoned';
    settled.catch(() => undefined);
    throw new DeadlineExceededError(`audit write did not finish within ${this.budgetMs} ms`);
  }

  private kick(): void {
    if (this.flushing) return;
    this.queue = this.queue.filter((p) => p.state === 'queued');
    if (this.queue.length === 0) return;
    // Rows retried alone sit at the front of the queue.
    const batch = this.queue.splice(0, this.queue[0]!.solo ? 1 : MAX_BATCH);
    this.flushing = true;
    void this.flush(batch).finally(() => {
      this.flushing = false;
      this.kick();
    });
  }

  private async flush(batch: Pending[]): Promise<void> {
    let outcome: 'committed' | 'retry' | Error;
    try {
      outcome = await inAuditTransaction(this.pool, this.budgetMs, async (client) => {
        // Rows refused while waiting for a connection are left out.
        batch = batch.filter((p) => p.state === 'queued');
        if (batch.length > 0) await client.query(insertSql(batch.length), batch.flatMap((p) => rowValues(p.record)));
        // The commit is the decision, taken for the whole batch at once.
        if (batch.length > 0 && batch.every((p) => p.state === 'queued')) {
          for (const p of batch) p.state = 'committing';
          await client.query('COMMIT');
          return 'committed' as const;
        }
        await client.query('ROLLBACK');
        return 'retry' as const;
      });
    } catch (err) {
      outcome = err instanceof Error ? err : new Error(String(err));
    }
    switch (outcome) {
      case 'committed':
        for (const p of batch) p.resolve();
        return;
      case 'retry':
        // Rows still within their budgets go first in the next batch.
        this.queue.unshift(...batch.filter((p) => p.state === 'queued'));
        return;
      default: {
        // One row that PostgreSQL refuses (a value it cannot store, a constraint) must not
        // cost the other requests of its batch their answers: each is tried again alone,
        // within what is left of its own budget, and fails only if it fails by itself. A
        // database that is down fails each of them alone just the same.
        const retry = batch.length > 1 ? batch.filter((p) => p.state !== 'abandoned') : [];
        for (const p of retry) {
          p.state = 'queued';
          p.solo = true;
        }
        this.queue.unshift(...retry);
        for (const p of batch) if (!retry.includes(p)) p.reject(outcome);
      }
    }
  }
}

function insertSql(rows: number): string {
  const values: string[] = [];
  for (let r = 0; r < rows; r++) values.push(`(${Array.from({ length: COLUMNS }, (_, c) => `$${r * COLUMNS + c + 1}`).join(', ')})`);
  return `INSERT INTO audit_event (user_id, role, organisation, purpose_of_use, nhs_numbers, study_uids, operation_name, regions, outcome, request_id, purpose_source)
         VALUES ${values.join(', ')}`;
}

function rowValues(record: AuditRecord): unknown[] {
  return [
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
  ];
}
