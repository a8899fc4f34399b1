import { AuditTrail, type AuditOutcome, type AuditRecord } from '../../gateway/audit/AuditTrail';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { testNhsNumber } from '../support/studyInputs';

function record(i: number, outcome: AuditOutcome = 'OK'): AuditRecord {
  return {
    user: { id: `dr-${i}`, role: 'CLINICIAN', organisation: 'RR8', region: null, purposeOfUse: 'DIRECT_CARE', purposeSource: 'TOKEN' },
    nhsNumbers: [testNhsNumber(7000 + i)],
    studyUids: [`1.2.826.0.1.${i}`],
    operationName: `History${i}`,
    regions: [{ code: 'LDS', status: 'OK', studyCount: i }],
    outcome,
    requestId: `req-${i}`,
  };
}

describe('the audit trail commits concurrent requests together, each with its own row', () => {
  let db: TestDatabase;
  let trail: AuditTrail;
  beforeEach(async () => {
    db = await createTestDatabase('national', 'auditgroup');
    trail = new AuditTrail(db.pool, 5000);
  });
  afterEach(async () => db.drop());

  const rowOf = async (requestId: string) =>
    (await db.pool.query('SELECT user_id, nhs_numbers, study_uids, operation_name, regions, outcome FROM audit_event WHERE request_id = $1', [requestId])).rows;

  it('gives each of many concurrent requests its own committed row before answering it', async () => {
    const n = 60;
    const seenOnAnswer = await Promise.all(
      Array.from({ length: n }, async (_, i) => {
        await trail.write(record(i));
        // Read on another connection the moment this request is answered: the row is durable already.
        return rowOf(`req-${i}`);
      }),
    );
    seenOnAnswer.forEach((rows, i) => {
      expect(rows).toEqual([
        { user_id: `dr-${i}`, nhs_numbers: [testNhsNumber(7000 + i)], study_uids: [`1.2.826.0.1.${i}`], operation_name: `History${i}`, regions: [{ code: 'LDS', status: 'OK', studyCount: i }], outcome: 'OK' },
      ]);
    });
    const { rows } = await db.pool.query('SELECT count(*)::int AS rows, count(DISTINCT request_id)::int AS ids, count(DISTINCT xmin::text)::int AS commits FROM audit_event');
    expect(rows[0]).toMatchObject({ rows: n, ids: n });
    // Grouped: far fewer transactions than rows.
    expect(rows[0].commits).toBeLessThan(n);
  });

  it.each([
    ['its INSERT fails (a CHECK constraint)', 'BOGUS'],
    ['its COMMIT fails (a deferred constraint trigger)', 'OK'],
    ['a value PostgreSQL cannot store (a NUL character in a study UID)', 'NUL'],
  ])('fails only the request whose row cannot be written when %s; the others of its batch are written alone and answered', async (_, bad) => {
    // Checked only at COMMIT: a request answered before its COMMIT returned would pass here.
    await db.pool.query(`CREATE FUNCTION fail_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.operation_name = 'FailAtCommit' THEN RAISE EXCEPTION 'refused at commit'; END IF; RETURN NULL; END $$`);
    await db.pool.query('CREATE CONSTRAINT TRIGGER fail_at_commit AFTER INSERT ON audit_event DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION fail_at_commit()');
    const badRecord: AuditRecord =
      bad === 'BOGUS' ? record(5, 'BOGUS' as AuditOutcome) : bad === 'OK' ? { ...record(5), operationName: 'FailAtCommit' } : { ...record(5), studyUids: ['1.2.826.0.1.5\u0000'] };
    // The first write goes alone (nothing in flight); the rest queue behind it and go as one batch.
    const results = await Promise.allSettled([trail.write(record(0)), ...Array.from({ length: 9 }, (_, i) => trail.write(i + 1 === 5 ? badRecord : record(i + 1)))]);
    expect(results.map((r) => r.status)).toEqual([...Array(5).fill('fulfilled'), 'rejected', ...Array(4).fill('fulfilled')]);
    for (let i = 0; i < 10; i++) expect(await rowOf(`req-${i}`)).toHaveLength(i === 5 ? 0 : 1);
    const { rows } = await db.pool.query('SELECT count(*)::int AS rows FROM audit_event');
    expect(rows[0].rows).toBe(9);
    // The trail keeps working after a failed batch.
    await trail.write(record(10));
    expect(await rowOf('req-10')).toHaveLength(1);
  });
});
