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

  it("writes the round trip the gateway measured, whatever latency or count a region claims", () => {
    const p = prepared(HISTORY_QUERY);
    const lds = answer(LDS, [study('1.1', '2024-05-01', LDS)], { latencyMs: 77 });
    historyOf(lds.data).sources = [{ region: { code: 'LON' }, status: 'OK', latencyMs: 1, studyCount: 99 }];
    expect(historyOf(merge({ root: p.root, variables: {}, answers: [lds], failures: [] }).data).sources).toEqual([
      { region: { code: 'LDS' }, status: 'OK', latencyMs: 77, studyCount: 1 },
    ]);
  });

  it('names the region the gateway asked on each study, never the region a study claims', () => {
    const p = prepared(HISTORY_QUERY);
    const lds = answer(LDS, [study('1.1', '2024-05-01', LON)]);
    const merged = historyOf(merge({ root: p.root, variables: {}, answers: [lds], failures: [] }).data);
    expect(merged.studies[0].region).toEqual({ code: 'LDS' });
    expect(merged.studies[0].locations).toEqual([{ region: { code: 'LDS' } }]);
  });

  it('counts regions the locator ruled out as skipped, not as sources', () => {
    const p = prepared(`query { patient(nhsNumber: "x") { imagingHistory { complete sources { region { code } } coverage { regionsInScope regionsAsked regionsSkipped } studies { studyInstanceUid } } } }`);
    const lds = answer(LDS, []);
    const result = merge({ root: p.root, variables: {}, answers: [lds], failures: [{ region: LON, status: 'TIMEOUT', latencyMs: 2000 }], skipped: ['MAN'] });
    expect(historyOf(result.data)).toEqual({
      complete: false,
      sources: [{ region: { code: 'LDS' } }, { region: { code: 'LON' } }],
      coverage: { regionsInScope: 3, regionsAsked: 2, regionsSkipped: 1 },
      studies: [],
    });
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

  it('returns no data when no region answered', () => {
    const p = prepared(HISTORY_QUERY);
    expect(merge({ root: p.root, variables: {}, answers: [], failures: [{ region: LDS, status: 'UNAVAILABLE', latencyMs: 1 }] })).toEqual({ data: null, errors: [] });
  });
});
