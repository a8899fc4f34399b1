import { mergeStudyLists } from '../../gateway/fanout/merge/mergeStudyLists';
import { answer, fieldAt, historyOf, HISTORY_QUERY, LDS, LON, MAN, merge, prepared, study } from '../support/mergeFixtures';

describe('study order and de-duplication across regions', () => {
  const studies = fieldAt(prepared(HISTORY_QUERY).root, 'patient', 'imagingHistory', 'studies');
  const uids = (list: any[]) => list.map((s) => s.studyInstanceUid);

  it('orders studies from every region newest first, undated last, time then UID breaking ties', () => {
    const merged = mergeStudyLists(
      studies,
      [
        [study('1.1', '2024-05-01', LDS), study('1.2', '2010-01-01', LDS)],
        [study('2.1', '2024-05-01', LON, '18:00:00'), study('2.2', null, LON), study('1.0', '2010-01-01', LON)],
        [study('3.1', '2019-07-07', MAN)],
      ],
      null,
    );
    expect(uids(merged)).toEqual(['2.1', '1.1', '3.1', '1.0', '1.2', '2.2']);
  });

  it('applies first to the combined list, not per region', () => {
    const merged = mergeStudyLists(studies, [[study('1.1', '2024-01-01', LDS), study('1.2', '2023-01-01', LDS)], [study('2.1', '2023-06-01', LON), study('2.2', '2022-01-01', LON)]], 2);
    expect(uids(merged)).toEqual(['1.1', '2.1']);
  });

  it('shows a study held by two regions once, with both locations', () => {
    const merged = mergeStudyLists(studies, [[study('9.9', '2024-01-01', LDS)], [study('9.9', '2024-01-01', LON), study('2.1', '2020-01-01', LON)]], null);
    expect(uids(merged)).toEqual(['9.9', '2.1']);
    expect(merged[0]!.locations).toEqual([{ region: { code: 'LDS' } }, { region: { code: 'LON' } }]);
    expect(merged[0]!.region).toEqual({ code: 'LDS' });
  });

  it('counts a duplicate once when applying first', () => {
    const merged = mergeStudyLists(studies, [[study('9.9', '2024-01-01', LDS)], [study('9.9', '2024-01-01', LON), study('2.1', '2020-01-01', LON)]], 2);
    expect(uids(merged)).toEqual(['9.9', '2.1']);
  });

  it('is what the merge uses for histories, with first read from the variables and hidden fields removed', () => {
    const p = prepared(HISTORY_QUERY);
    const result = merge({ root: p.root, variables: { first: 2 }, answers: [answer(LDS, [study('1.1', '2024-05-01', LDS)]), answer(LON, [study('2.1', '2024-05-02', LON), study('2.2', null, LON)])], failures: [] });
    expect(historyOf(result.data).studies).toEqual([
      { studyInstanceUid: '2.1', studyDate: '2024-05-02', region: { code: 'LON' }, locations: [{ region: { code: 'LON' } }] },
      { studyInstanceUid: '1.1', studyDate: '2024-05-01', region: { code: 'LDS' }, locations: [{ region: { code: 'LDS' } }] },
    ]);
  });
});
