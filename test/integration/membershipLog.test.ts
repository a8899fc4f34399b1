import { loadStudies } from '../../subgraphs/region/bulk/loadStudies';
import { writeStudies } from '../../subgraphs/region/db/studyWrites';
import { validateStudyInput } from '../../subgraphs/region/ingest/validateStudyInput';
import { readMembershipChanges, readMembershipPosition } from '../../subgraphs/region/membership/readMembership';
import type { StudyRecord } from '../../subgraphs/region/StudyRecord';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { studyInput, testNhsNumber } from '../support/studyInputs';

function record(uidSuffix: string, nhs: string, overrides: Record<string, unknown> = {}): StudyRecord {
  const result = validateStudyInput(studyInput(uidSuffix, nhs, overrides) as never);
  if (!result.ok) throw new Error(result.reasons.join('; '));
  return result.record;
}

describe('the region membership log', () => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await createTestDatabase('region', 'membership');
  });
  afterEach(async () => db.drop());

  const write = async (records: StudyRecord[]) => {
    const client = await db.pool.connect();
    try {
      return await writeStudies(client, records);
    } finally {
      client.release();
    }
  };

  it('raises the sequence with every study the ingest path inserts, and names the patient', async () => {
    const before = await readMembershipPosition(db.pool);
    await write([record('11', testNhsNumber(1)), record('12', testNhsNumber(2))]);
    const after = await readMembershipPosition(db.pool);
    expect(after.epoch).toBe(before.epoch);
    expect(after.seq).toBe(before.seq + 2);
    const changes = await readMembershipChanges(db.pool, 'LDS', before.seq, 100);
    expect(changes.nhsNumbers.sort()).toEqual([testNhsNumber(1), testNhsNumber(2)].sort());
    expect(changes.toSeq).toBe(after.seq);
  });

  it('leaves the sequence alone when a write adds no patient, and raises it when a study moves to another patient', async () => {
    await write([record('13', testNhsNumber(3))]);
    const settled = await readMembershipPosition(db.pool);
    await write([record('13', testNhsNumber(3), { description: 'a changed description' })]);
    expect((await readMembershipPosition(db.pool)).seq).toBe(settled.seq);
    await write([record('13', testNhsNumber(4))]);
    const moved = await readMembershipChanges(db.pool, 'LDS', settled.seq, 100);
    expect(moved.nhsNumbers).toEqual([testNhsNumber(4)]);
  });

  it('records every patient the bulk loader adds, across chunks', async () => {
    const before = await readMembershipPosition(db.pool);
    const records = Array.from({ length: 25 }, (_, i) => record(`2${i}`, testNhsNumber(100 + i)));
    await loadStudies(db.pool, records, { chunkSize: 10, connections: 2 });
    const changes = await readMembershipChanges(db.pool, 'LDS', before.seq, 1000);
    expect(new Set(changes.nhsNumbers)).toEqual(new Set(records.map((r) => r.nhsNumber)));
  });

  it('pages changes so that a reader resuming from toSeq misses nothing', async () => {
    await write(Array.from({ length: 7 }, (_, i) => record(`3${i}`, testNhsNumber(200 + i))));
    const seen: string[] = [];
    let since = 0;
    for (let page = 0; page < 10; page++) {
      const changes = await readMembershipChanges(db.pool, 'LDS', since, 3);
      seen.push(...changes.nhsNumbers);
      since = changes.toSeq;
      if (since >= changes.seq) break;
    }
    expect(new Set(seen).size).toBe(7);
  });

  it('never forgets a patient when a study is deleted (a false positive, never a false negative)', async () => {
    await write([record('41', testNhsNumber(300))]);
    await db.pool.query("DELETE FROM study WHERE study_instance_uid LIKE '%.41'");
    const changes = await readMembershipChanges(db.pool, 'LDS', 0, 100);
    expect(changes.nhsNumbers).toContain(testNhsNumber(300));
  });
});
