import { historyFirst, historyRegions } from '../../gateway/fanout/readHistoryArguments';
import { prepared } from '../support/mergeFixtures';

describe('history arguments', () => {
  it('reads filter.regions from literals and variables, upper-cased', () => {
    const literal = prepared('{ patient(nhsNumber: "x") { imagingHistory(filter: { regions: ["lds", "LON"] }) { complete } } }');
    expect(historyRegions(literal.histories[0]!, {})).toEqual(['LDS', 'LON']);
    const variable = prepared('query($f: StudyFilter) { patient(nhsNumber: "x") { imagingHistory(filter: $f) { complete } } }');
    expect(historyRegions(variable.histories[0]!, { f: { regions: ['MAN'] } })).toEqual(['MAN']);
    expect(historyRegions(variable.histories[0]!, { f: { modalities: ['CT'] } })).toBeNull();
  });

  it('reads first from literals and variables, null when absent', () => {
    expect(historyFirst(prepared('{ patient(nhsNumber: "x") { imagingHistory(first: 3) { complete } } }').histories[0]!, {})).toBe(3);
    const variable = prepared('query($n: Int) { patient(nhsNumber: "x") { imagingHistory(first: $n) { complete } } }');
    expect(historyFirst(variable.histories[0]!, { n: 7 })).toBe(7);
    expect(historyFirst(variable.histories[0]!, {})).toBeNull();
  });
});
