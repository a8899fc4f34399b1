import { recordFailures, stampLatency } from '../../gateway/fanout/merge/completeness';
import { regionsAskedFor } from '../../gateway/fanout/routeFetch';
import { answer, historyOf, HISTORY_QUERY, LDS, LON, MAN, merge, prepared, study } from '../support/mergeFixtures';

describe('completeness and sources', () => {
  it('is complete, with every region as a source, when every region answered', () => {
    const p = prepared(HISTORY_QUERY);
    const result = merge({ root: p.root, variables: {}, answers: [answer(LDS, [study('1.1', '2024-05-01', LDS)]), answer(LON, []), answer(MAN, [])], failures: [] });
    const history = historyOf(result.data);
    expect(history.complete).toBe(true);
    expect(history.sources.map((s: any) => [s.region.code, s.status, s.latencyMs, s.studyCount])).toEqual([
      ['LDS', 'OK', 42, 1],
      ['LON', 'OK', 42, 0],
      ['MAN', 'OK', 42, 0],
    ]);
    expect(result.errors).toEqual([]);
  });

  it("replaces a region's own latency with the round trip the gateway measured", () => {
    const p = prepared(HISTORY_QUERY);
    const lds = answer(LDS, [], { latencyMs: 77 });
    stampLatency(p.root, lds);
    expect(historyOf(lds.data).sources[0].latencyMs).toBe(77);
  });

  it('is incomplete when one region asked did not answer, even if every answer says complete', () => {
    const p = prepared(HISTORY_QUERY);
    const result = merge({ root: p.root, variables: {}, answers: [answer(LDS, []), answer(LON, [])], failures: [{ region: MAN, status: 'UNAVAILABLE', latencyMs: 3 }] });
    expect(historyOf(result.data).complete).toBe(false);
  });

  it('is incomplete when a region says its own part is incomplete', () => {
    const p = prepared(HISTORY_QUERY);
    const lon = answer(LON, []);
    historyOf(lon.data).complete = false;
    expect(historyOf(merge({ root: p.root, variables: {}, answers: [answer(LDS, []), lon], failures: [] }).data).complete).toBe(false);
  });

  it('lists a failed region with its status, honouring aliases', () => {
    const p = prepared(`query { patient(nhsNumber: "x") { imagingHistory { done: complete from: sources { __typename where: region { code name } status ms: latencyMs studyCount } studies { studyInstanceUid } } } }`);
    const lds = { region: LDS, latencyMs: 10, errors: [], data: { patient: { imagingHistory: { done: true, from: [{ __typename: 'HistorySource', where: { code: 'LDS', name: LDS.name }, status: 'OK', ms: 3, studyCount: 0 }], studies: [] } } } };
    const result = merge({ root: p.root, variables: {}, answers: [lds], failures: [{ region: LON, status: 'TIMEOUT', latencyMs: 2000 }] });
    expect(historyOf(result.data)).toEqual({
      done: false,
      from: [
        { __typename: 'HistorySource', where: { code: 'LDS', name: 'West Yorkshire' }, status: 'OK', ms: 10, studyCount: 0 },
        { __typename: 'HistorySource', where: { code: 'LON', name: 'London' }, status: 'TIMEOUT', ms: 2000, studyCount: null },
      ],
      studies: [],
    });
  });

  it('only counts a failure against the histories that asked that region (production routing)', () => {
    const p = prepared(`query { only: patient(nhsNumber: "x") { imagingHistory(filter: { regions: ["LDS"] }) { complete sources { status } } } all: patient(nhsNumber: "x") { imagingHistory { complete sources { status } } } }`);
    const part = () => ({ imagingHistory: { complete: true, sources: [{ status: 'OK' }] } });
    const lds = { region: LDS, latencyMs: 1, errors: [], data: { only: part(), all: part() } };
    const result = merge({ root: p.root, variables: {}, answers: [lds], failures: [{ region: LON, status: 'UNAVAILABLE', latencyMs: 1 }] });
    expect(result.data).toEqual({
      only: { imagingHistory: { complete: true, sources: [{ status: 'OK' }] } },
      all: { imagingHistory: { complete: false, sources: [{ status: 'OK' }, { status: 'UNAVAILABLE' }] } },
    });
  });

  it('records failures in place and leaves data alone when nothing failed', () => {
    const p = prepared(HISTORY_QUERY);
    const data = answer(LDS, []).data!;
    const before = JSON.stringify(data);
    recordFailures(p.root, data, [], {}, regionsAskedFor);
    expect(JSON.stringify(data)).toBe(before);
  });

  it('returns no data when no region answered', () => {
    const p = prepared(HISTORY_QUERY);
    expect(merge({ root: p.root, variables: {}, answers: [], failures: [{ region: LDS, status: 'UNAVAILABLE', latencyMs: 1 }] })).toEqual({ data: null, errors: [] });
  });
});
