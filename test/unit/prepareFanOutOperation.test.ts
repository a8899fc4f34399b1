import { regionSubgraphSchema } from '../../lib/contract';
import { prepareFanOutOperation } from '../../gateway/fanout/prepareFanOutOperation';
import { HISTORY_QUERY, prepared } from '../support/mergeFixtures';

describe('prepareFanOutOperation', () => {
  it('adds hidden ordering fields to every studies selection and keeps the client selection', () => {
    const p = prepared(HISTORY_QUERY);
    expect(p.query).toMatch(/studies \{\s*studyInstanceUid[\s\S]*_fo_uid: studyInstanceUid\s*_fo_date: studyDate\s*_fo_time: studyTime/);
    expect(p.histories).toHaveLength(1);
    expect(p.needsAllRegions).toBe(false);
  });

  it('adds the hidden bucket key and count to activity buckets', () => {
    expect(prepared(`{ studyActivity(groupBy: [MODALITY]) { buckets { modality } } }`).query).toMatch(/_fo_key: key\s*_fo_count: studyCount/);
  });

  it('refuses mutations so a write can never reach every region', () => {
    const p = prepareFanOutOperation('mutation { upsertStudies(studies: []) { accepted } }', regionSubgraphSchema());
    expect(p).toEqual({ kind: 'refused', reason: expect.stringMatching(/only queries are fanned out/) });
  });

  it('refuses aliases the gateway reserves for merging', () => {
    const p = prepareFanOutOperation('{ patient(nhsNumber: "x") { _fo_uid: nhsNumber } }', regionSubgraphSchema());
    expect(p).toEqual({ kind: 'refused', reason: expect.stringMatching(/reserved by the gateway/) });
  });

  it('marks study lookups as needing every region', () => {
    expect(prepared('{ study(studyInstanceUid: "1.2.3") { description } }').needsAllRegions).toBe(true);
    expect(prepared('query($r: [_Any!]!) { _entities(representations: $r) { ... on Study { description } } }').needsAllRegions).toBe(true);
  });
});
