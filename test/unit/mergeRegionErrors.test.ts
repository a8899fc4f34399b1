import type { RegionAnswer } from '../../gateway/fanout/merge/RegionAnswer';
import { answer, HISTORY_QUERY, LDS, LON, merge, prepared, study } from '../support/mergeFixtures';

describe('error paths across regions', () => {
  it("keeps region B's error paths pointing at the right merged study", () => {
    const p = prepared(HISTORY_QUERY);
    const lon = answer(LON, [study('2.1', '2020-01-01', LON), study('2.2', '2019-01-01', LON)], {
      errors: [{ message: 'series unavailable', path: ['patient', 'imagingHistory', 'studies', 1, 'studyDate'], extensions: { code: 'PARTIAL' } }],
    });
    const result = merge({ root: p.root, variables: {}, answers: [answer(LDS, [study('1.1', '2024-01-01', LDS), study('1.2', '2019-06-01', LDS)]), lon], failures: [] });
    // Merged order: 1.1, 2.1, 1.2, 2.2 -> LON's study #1 (2.2) is now #3.
    expect(result.errors).toEqual([{ message: 'series unavailable', path: ['patient', 'imagingHistory', 'studies', 3, 'studyDate'], extensions: { code: 'PARTIAL', region: 'LON' } }]);
  });

  it('points at the list when the study with the error was cut by first', () => {
    const p = prepared(HISTORY_QUERY);
    const lon = answer(LON, [study('2.1', '2000-01-01', LON)], { errors: [{ message: 'x', path: ['patient', 'imagingHistory', 'studies', 0, 'studyDate'], extensions: { code: 'PARTIAL' } }] });
    const result = merge({ root: p.root, variables: { first: 1 }, answers: [answer(LDS, [study('1.1', '2024-01-01', LDS)]), lon], failures: [] });
    expect(result.errors[0]!.path).toEqual(['patient', 'imagingHistory', 'studies']);
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

  it('keeps different errors from different regions apart', () => {
    const p = prepared(HISTORY_QUERY);
    const withError = (region: typeof LDS, message: string) => answer(region, [], { errors: [{ message, extensions: { code: 'PARTIAL' } }] });
    const result = merge({ root: p.root, variables: {}, answers: [withError(LDS, 'a'), withError(LON, 'b')], failures: [] });
    expect(result.errors).toEqual([
      { message: 'a', extensions: { code: 'PARTIAL', region: 'LDS' } },
      { message: 'b', extensions: { code: 'PARTIAL', region: 'LON' } },
    ]);
  });
});
