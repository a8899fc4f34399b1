import { regionSubgraphSchema } from '../../lib/contract';
import { mergeRegionAnswers, type MergeInput, type RegionAnswer, historyRegions } from '../../gateway/fanout/mergeRegionAnswers';
import { prepareFanOutOperation } from '../../gateway/fanout/prepareFanOutOperation';

/** The merge with the default suppression threshold. */
const merge = (input: Omit<MergeInput, 'suppressionThreshold'> & { suppressionThreshold?: number }) => mergeRegionAnswers({ suppressionThreshold: 5, ...input });

const LDS = { code: 'LDS', name: 'West Yorkshire' };
const LON = { code: 'LON', name: 'London' };
const MAN = { code: 'MAN', name: 'Greater Manchester' };

const HISTORY_QUERY = `query($nhs: String!, $first: Int) {
  patient(nhsNumber: $nhs) {
    nhsNumber
    imagingHistory(first: $first) {
      complete
      sources { region { code } status latencyMs studyCount }
      studies { studyInstanceUid studyDate region { code } locations { region { code } } }
    }
  }
}`;

function prepared(query: string) {
  const p = prepareFanOutOperation(query, regionSubgraphSchema());
  if (p.kind !== 'query') throw new Error(p.reason);
  return p;
}

/** A study as a region answers it for HISTORY_QUERY, hidden merge fields included. */
function study(uid: string, date: string | null, region: { code: string }, time: string | null = '10:00:00') {
  return { studyInstanceUid: uid, studyDate: date, region: { code: region.code }, locations: [{ region: { code: region.code } }], _fo_uid: uid, _fo_date: date, _fo_time: time };
}

function answer(region: { code: string; name: string }, studies: unknown[], extra: Partial<RegionAnswer> = {}): RegionAnswer {
  return {
    region,
    latencyMs: 42,
    data: {
      patient: {
        nhsNumber: '9990000018',
        imagingHistory: { complete: true, sources: [{ region: { code: region.code }, status: 'OK', latencyMs: 1, studyCount: studies.length }], studies },
      },
    },
    errors: [],
    ...extra,
  };
}

describe('prepareFanOutOperation', () => {
  it('adds hidden ordering fields to every studies selection and keeps the client selection', () => {
    const p = prepared(HISTORY_QUERY);
    expect(p.query).toMatch(/studies \{\s*studyInstanceUid[\s\S]*_fo_uid: studyInstanceUid\s*_fo_date: studyDate\s*_fo_time: studyTime/);
    expect(p.histories).toHaveLength(1);
    expect(p.needsAllRegions).toBe(false);
  });

  it('refuses mutations so a write can never reach every region', () => {
    const p = prepareFanOutOperation('mutation { upsertStudies(studies: []) { accepted } }', regionSubgraphSchema());
    expect(p).toEqual({ kind: 'refused', reason: expect.stringMatching(/only queries are fanned out/) });
  });

  it('marks study lookups as needing every region', () => {
    expect(prepared('{ study(studyInstanceUid: "1.2.3") { description } }').needsAllRegions).toBe(true);
    expect(prepared('query($r: [_Any!]!) { _entities(representations: $r) { ... on Study { description } } }').needsAllRegions).toBe(true);
  });

  it('reads filter.regions from literals and variables', () => {
    const literal = prepared('{ patient(nhsNumber: "x") { imagingHistory(filter: { regions: ["lds", "LON"] }) { complete } } }');
    expect(historyRegions(literal.histories[0]!, {})).toEqual(['LDS', 'LON']);
    const variable = prepared('query($f: StudyFilter) { patient(nhsNumber: "x") { imagingHistory(filter: $f) { complete } } }');
    expect(historyRegions(variable.histories[0]!, { f: { regions: ['MAN'] } })).toEqual(['MAN']);
    expect(historyRegions(variable.histories[0]!, { f: { modalities: ['CT'] } })).toBeNull();
  });
});

describe('mergeRegionAnswers', () => {
  it('returns studies from every region newest first, without the hidden fields', () => {
    const p = prepared(HISTORY_QUERY);
    const result = merge({
      root: p.root,
      variables: {},
      answers: [
        answer(LDS, [study('1.1', '2024-05-01', LDS), study('1.2', '2010-01-01', LDS)]),
        answer(LON, [study('2.1', '2024-05-01', LON, '18:00:00'), study('2.2', null, LON)]),
        answer(MAN, [study('3.1', '2019-07-07', MAN)]),
      ],
      failures: [],
    });
    const history = (result.data as any).patient.imagingHistory;
    expect(history.studies.map((s: any) => s.studyInstanceUid)).toEqual(['2.1', '1.1', '3.1', '1.2', '2.2']);
    expect(history.studies[0]).toEqual({ studyInstanceUid: '2.1', studyDate: '2024-05-01', region: { code: 'LON' }, locations: [{ region: { code: 'LON' } }] });
    expect(history.complete).toBe(true);
    expect(history.sources.map((s: any) => [s.region.code, s.status, s.latencyMs, s.studyCount])).toEqual([
      ['LDS', 'OK', 42, 2],
      ['LON', 'OK', 42, 2],
      ['MAN', 'OK', 42, 1],
    ]);
    expect(result.errors).toEqual([]);
  });

  it('applies first to the combined list', () => {
    const p = prepared(HISTORY_QUERY);
    const result = merge({
      root: p.root,
      variables: { first: 2 },
      answers: [answer(LDS, [study('1.1', '2024-01-01', LDS), study('1.2', '2023-01-01', LDS)]), answer(LON, [study('2.1', '2023-06-01', LON), study('2.2', '2022-01-01', LON)])],
      failures: [],
    });
    expect((result.data as any).patient.imagingHistory.studies.map((s: any) => s.studyInstanceUid)).toEqual(['1.1', '2.1']);
  });

  it('shows a study held by two regions once, with both locations', () => {
    const p = prepared(HISTORY_QUERY);
    const result = merge({
      root: p.root,
      variables: {},
      answers: [answer(LDS, [study('9.9', '2024-01-01', LDS)]), answer(LON, [study('9.9', '2024-01-01', LON), study('2.1', '2020-01-01', LON)])],
      failures: [],
    });
    const studies = (result.data as any).patient.imagingHistory.studies;
    expect(studies.map((s: any) => s.studyInstanceUid)).toEqual(['9.9', '2.1']);
    expect(studies[0].locations).toEqual([{ region: { code: 'LDS' } }, { region: { code: 'LON' } }]);
  });

  it('marks the history incomplete and lists a failed region with its status, honouring aliases', () => {
    const p = prepared(`query { patient(nhsNumber: "x") { imagingHistory { done: complete from: sources { where: region { code name } status ms: latencyMs studyCount } studies { studyInstanceUid } } } }`);
    const lds = { region: LDS, latencyMs: 10, errors: [], data: { patient: { imagingHistory: { done: true, from: [{ where: { code: 'LDS', name: LDS.name }, status: 'OK', ms: 3, studyCount: 0 }], studies: [] } } } };
    const result = merge({ root: p.root, variables: {}, answers: [lds], failures: [{ region: LON, status: 'TIMEOUT', latencyMs: 2000 }] });
    expect((result.data as any).patient.imagingHistory).toEqual({
      done: false,
      from: [
        { where: { code: 'LDS', name: 'West Yorkshire' }, status: 'OK', ms: 10, studyCount: 0 },
        { where: { code: 'LON', name: 'London' }, status: 'TIMEOUT', ms: 2000, studyCount: null },
      ],
      studies: [],
    });
  });

  it('only counts a failure against histories that asked that region', () => {
    const p = prepared(`query { patient(nhsNumber: "x") { imagingHistory(filter: { regions: ["LDS"] }) { complete sources { status } } } }`);
    const lds = { region: LDS, latencyMs: 1, errors: [], data: { patient: { imagingHistory: { complete: true, sources: [{ status: 'OK' }] } } } };
    const result = merge({
      root: p.root,
      variables: {},
      answers: [lds],
      failures: [{ region: LON, status: 'UNAVAILABLE', latencyMs: 1 }],
      regionsAskedFor: (h, v) => new Set(historyRegions(h, v) ?? []),
    });
    expect((result.data as any).patient.imagingHistory).toEqual({ complete: true, sources: [{ status: 'OK' }] });
  });

  it('merges _entities answers position by position', () => {
    const p = prepared(`query($r: [_Any!]!) { _entities(representations: $r) { ... on Patient { nhsNumber imagingHistory { studies { studyInstanceUid } } } } }`);
    const entity = (nhs: string, uids: string[], date: string) => ({ nhsNumber: nhs, imagingHistory: { studies: uids.map((u) => ({ studyInstanceUid: u, _fo_uid: u, _fo_date: date, _fo_time: null })) } });
    const result = merge({
      root: p.root,
      variables: {},
      answers: [
        { region: LDS, latencyMs: 1, errors: [], data: { _entities: [entity('A', ['a1'], '2020-01-01'), entity('B', [], '2020-01-01')] } },
        { region: LON, latencyMs: 1, errors: [], data: { _entities: [entity('A', ['a2'], '2021-01-01'), entity('B', ['b1'], '2021-01-01')] } },
      ],
      failures: [],
    });
    expect(result.data).toEqual({
      _entities: [
        { nhsNumber: 'A', imagingHistory: { studies: [{ studyInstanceUid: 'a2' }, { studyInstanceUid: 'a1' }] } },
        { nhsNumber: 'B', imagingHistory: { studies: [{ studyInstanceUid: 'b1' }] } },
      ],
    });
  });

  it("keeps region B's error paths pointing at the right merged study", () => {
    const p = prepared(HISTORY_QUERY);
    const lon = answer(LON, [study('2.1', '2020-01-01', LON), study('2.2', '2019-01-01', LON)], {
      errors: [{ message: 'series unavailable', path: ['patient', 'imagingHistory', 'studies', 1, 'studyDate'], extensions: { code: 'PARTIAL' } }],
    });
    const result = merge({ root: p.root, variables: {}, answers: [answer(LDS, [study('1.1', '2024-01-01', LDS), study('1.2', '2019-06-01', LDS)]), lon], failures: [] });
    // Merged order: 1.1, 2.1, 1.2, 2.2 -> LON's study #1 (2.2) is now #3.
    expect(result.errors).toEqual([{ message: 'series unavailable', path: ['patient', 'imagingHistory', 'studies', 3, 'studyDate'], extensions: { code: 'PARTIAL', region: 'LON' } }]);
  });

  it('reports an error every region gave once, naming all of them', () => {
    const p = prepared(HISTORY_QUERY);
    const bad = (region: typeof LDS): RegionAnswer => ({
      region,
      latencyMs: 1,
      data: { patient: null },
      errors: [{ message: 'NHS number check digit is wrong', path: ['patient'], extensions: { code: 'BAD_USER_INPUT' } }],
    });
    const result = merge({ root: p.root, variables: {}, answers: [bad(LDS), bad(LON)], failures: [] });
    expect(result.data).toEqual({ patient: null });
    expect(result.errors).toEqual([{ message: 'NHS number check digit is wrong', path: ['patient'], extensions: { code: 'BAD_USER_INPUT', regions: ['LDS', 'LON'] } }]);
  });

  describe('activity statistics', () => {
    const ACTIVITY = `{ studyActivity(groupBy: [MODALITY]) { complete buckets { modality count: studyCount suppressed } } }`;
    const bucket = (modality: string, n: number) => ({ modality, count: n, suppressed: false, _fo_key: `*|${modality}|*|*`, _fo_count: n });
    const report = (region: typeof LDS, buckets: unknown[]): RegionAnswer => ({ region, latencyMs: 1, errors: [], data: { studyActivity: { complete: true, buckets } } });

    it('sums the same bucket across regions before suppressing', () => {
      const p = prepared(ACTIVITY);
      expect(p.query).toMatch(/_fo_key: key\s*_fo_count: studyCount/);
      const result = merge({ root: p.root, variables: {}, answers: [report(LDS, [bucket('CT', 3), bucket('MR', 2)]), report(LON, [bucket('CT', 2), bucket('US', 40)])], failures: [] });
      expect((result.data as any).studyActivity.buckets).toEqual([
        { modality: 'CT', count: 5, suppressed: false },
        { modality: 'MR', count: null, suppressed: true },
        { modality: 'US', count: 40, suppressed: false },
      ]);
    });

    it.each([
      [4, null, true],
      [5, 5, false],
      [6, 6, false],
      [0, null, true],
    ])('shows a count of %i as %p (threshold 5)', (n, shown, suppressed) => {
      const p = prepared(ACTIVITY);
      const result = merge({ root: p.root, variables: {}, answers: [report(LDS, [bucket('CT', n)])], failures: [] });
      expect((result.data as any).studyActivity.buckets).toEqual([{ modality: 'CT', count: shown, suppressed }]);
    });

    it('honours a configured threshold and marks the report incomplete when a region failed', () => {
      const p = prepared(ACTIVITY);
      const result = merge({ root: p.root, variables: {}, suppressionThreshold: 10, answers: [report(LDS, [bucket('CT', 9)])], failures: [{ region: LON, status: 'TIMEOUT', latencyMs: 5 }] });
      expect((result.data as any).studyActivity).toEqual({ complete: false, buckets: [{ modality: 'CT', count: null, suppressed: true }] });
    });
  });

  it('returns no data when no region answered', () => {
    const p = prepared(HISTORY_QUERY);
    expect(merge({ root: p.root, variables: {}, answers: [], failures: [{ region: LDS, status: 'UNAVAILABLE', latencyMs: 1 }] })).toEqual({ data: null, errors: [] });
  });
});
