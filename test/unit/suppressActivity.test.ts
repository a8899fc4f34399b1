import type { RegionAnswer } from '../../gateway/fanout/merge/RegionAnswer';
import { suppressActivity } from '../../gateway/governance/suppressActivity';
import { LDS, LON, MAN, merge, prepared } from '../support/mergeFixtures';

const ACTIVITY = `{ studyActivity(groupBy: [MODALITY]) { complete sources { region { code } studyCount } buckets { modality count: studyCount suppressed } } }`;
const bucket = (modality: string, n: number) => ({ modality, count: n, suppressed: false, _fo_key: `*|${modality}|*|*`, _fo_count: n });
const report = (region: typeof LDS, buckets: unknown[]): RegionAnswer => ({
  region,
  latencyMs: 1,
  errors: [],
  data: { studyActivity: { complete: true, sources: [{ region: { code: region.code }, studyCount: 99 }], buckets } },
});
const bucketsOf = (data: unknown) => (data as any).studyActivity.buckets;

describe('small-number suppression', () => {
  it.each([
    [4, null, true],
    [5, 5, false],
    [6, 6, false],
    [0, null, true],
  ])('shows a count of %i as %p (threshold 5)', (n, shown, suppressed) => {
    const p = prepared(ACTIVITY);
    const data = { studyActivity: { buckets: [bucket('CT', n)] } };
    suppressActivity(p.root, data, 5);
    expect(bucketsOf(data)).toEqual([expect.objectContaining({ modality: 'CT', count: shown, suppressed })]);
  });

  it('sums the same bucket across regions before suppressing', () => {
    const p = prepared(ACTIVITY);
    const data = { studyActivity: { buckets: [bucket('CT', 3), bucket('MR', 2), bucket('CT', 2), bucket('US', 40), bucket('MR', 2)] } };
    suppressActivity(p.root, data, 5);
    expect(bucketsOf(data).map((b: any) => [b.modality, b.count, b.suppressed])).toEqual([
      ['CT', 5, false],
      ['MR', null, true],
      ['US', 40, false],
    ]);
  });

  it('withholds per-region totals, which would give suppressed buckets away', () => {
    const p = prepared(ACTIVITY);
    const data = { studyActivity: { sources: [{ region: { code: 'LDS' }, studyCount: 3 }], buckets: [] } };
    suppressActivity(p.root, data, 5);
    expect((data as any).studyActivity.sources).toEqual([{ region: { code: 'LDS' }, studyCount: null }]);
  });

  it('is applied by the merge: across three regions, with a configured threshold, and when one region failed', () => {
    const p = prepared(ACTIVITY);
    const answers = [report(LDS, [bucket('CT', 4)]), report(LON, [bucket('CT', 5), bucket('MR', 9)]), report(MAN, [bucket('MR', 1)])];
    const result = merge({ root: p.root, variables: {}, suppressionThreshold: 10, answers, failures: [{ region: { code: 'BRS', name: 'Bristol' }, status: 'TIMEOUT', latencyMs: 5 }] });
    expect(result.data).toEqual({
      studyActivity: {
        complete: false,
        sources: [
          { region: { code: 'BRS' }, studyCount: null },
          { region: { code: 'LDS' }, studyCount: null },
          { region: { code: 'LON' }, studyCount: null },
          { region: { code: 'MAN' }, studyCount: null },
        ],
        buckets: [
          { modality: 'CT', count: null, suppressed: true },
          { modality: 'MR', count: 10, suppressed: false },
        ],
      },
    });
  });

  it('suppresses a small count even when only one region answered', () => {
    const p = prepared(ACTIVITY);
    const result = merge({ root: p.root, variables: {}, answers: [report(LDS, [bucket('CT', 4)])], failures: [] });
    expect(bucketsOf(result.data)).toEqual([{ modality: 'CT', count: null, suppressed: true }]);
  });
});
