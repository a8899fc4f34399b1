import { londonDate, studySpan, toLondonDateTime } from '../../gateway/fhir/londonTime';
import { matchesStarted, parseStartedParam, type StartedCriterion } from '../../gateway/fhir/parseStartedParam';
import { toStudyFilter } from '../../gateway/fhir/toStudyFilter';
import type { ImagingStudySearch } from '../../gateway/fhir/ImagingStudySearch';

const criterion = (raw: string): StartedCriterion => {
  const parsed = parseStartedParam(raw);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.value;
};
const iso = (ms: number) => new Date(ms).toISOString();

describe('DICOM dates and times as Europe/London local time', () => {
  it.each([
    ['2024-01-15', '10:15:00', '2024-01-15T10:15:00+00:00'], // GMT
    ['2024-07-01', '10:15:00', '2024-07-01T10:15:00+01:00'], // BST
    ['2024-03-31', '00:30:00', '2024-03-31T00:30:00+00:00'], // just before clocks go forward
    ['2024-03-31', '01:30:00', '2024-03-31T02:30:00+01:00'], // a skipped hour: read one hour later
    ['2024-10-27', '01:30:00', '2024-10-27T01:30:00+00:00'], // a repeated hour: the GMT one
  ])('reads %s %s as %s', (date, time, expected) => {
    expect(toLondonDateTime(studySpan(date, time).start)).toBe(expected);
  });

  it('spans a whole London day for a study without a time, 23 hours on the day clocks go forward', () => {
    const day = studySpan('2024-07-01', null);
    expect([iso(day.start), iso(day.end)]).toEqual(['2024-06-30T23:00:00.000Z', '2024-07-01T23:00:00.000Z']);
    const short = studySpan('2024-03-31', null);
    expect((short.end - short.start) / 3_600_000).toBe(23);
  });

  it('gives the London date of an instant', () => {
    expect(londonDate(Date.parse('2024-06-30T23:30:00Z'))).toBe('2024-07-01');
    expect(londonDate(Date.parse('2024-01-31T23:30:00Z'))).toBe('2024-01-31');
  });
});

describe('the started search parameter', () => {
  it.each([
    ['2024', '2024-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z'],
    ['2024-07', '2024-06-30T23:00:00.000Z', '2024-07-31T23:00:00.000Z'],
    ['eq2024-07-01', '2024-06-30T23:00:00.000Z', '2024-07-01T23:00:00.000Z'],
    ['ge2024-07-01T10:15', '2024-07-01T09:15:00.000Z', '2024-07-01T09:16:00.000Z'],
    ['lt2024-07-01T10:15:00Z', '2024-07-01T10:15:00.000Z', '2024-07-01T10:15:01.000Z'],
    ['gt2024-07-01T10:15:00-05:00', '2024-07-01T15:15:00.000Z', '2024-07-01T15:15:01.000Z'],
    ['le2024-07-01T10:15:00.250+01:00', '2024-07-01T09:15:00.250Z', '2024-07-01T09:15:00.251Z'],
    ['ge2024-07-01T10:15:00 01:00', '2024-07-01T09:15:00.000Z', '2024-07-01T09:15:01.000Z'], // '+' sent unencoded
  ])('reads %s as the span its precision denotes', (raw, start, end) => {
    const c = criterion(raw);
    expect([iso(c.start), iso(c.end)]).toEqual([start, end]);
  });

  it.each([['2024-13'], ['2024-02-30T10:00'], ['2024-07-01T25:00'], ['yesterday'], ['2024-07-01T10']])('refuses %s as malformed', (raw) => {
    expect(parseStartedParam(raw)).toMatchObject({ ok: false, unsupported: false });
  });

  it.each([['ne2024'], ['sa2024'], ['eb2024'], ['ap2024']])('refuses the prefix of %s as not supported', (raw) => {
    expect(parseStartedParam(raw)).toMatchObject({ ok: false, unsupported: true });
  });

  describe('matching is exact, never rounded to days', () => {
    const at1015 = studySpan('2024-07-01', '10:15:00'); // 09:15:00Z
    const wholeDay = studySpan('2024-07-01', null);
    it.each([
      ['gt2024-07-01T09:15:00Z', at1015, false], // the same second is not after it
      ['gt2024-07-01T09:14:59Z', at1015, true],
      ['ge2024-07-01T09:15:00Z', at1015, true],
      ['lt2024-07-01T09:15:00Z', at1015, false],
      ['lt2024-07-01T09:15:01Z', at1015, true],
      ['le2024-07-01T10:15:00+01:00', at1015, true],
      ['eq2024-07-01', at1015, true],
      ['eq2024-07-02', at1015, false],
      ['eq2024-07-01T10:15:00+01:00', wholeDay, false], // a day is not within one second
      ['gt2024-07-01T12:00:00+01:00', wholeDay, true], // but part of it is after noon
      ['lt2024-07-01T00:00:00+01:00', wholeDay, false],
    ])('%s against a study spanning the test case', (raw, span, expected) => {
      expect(matchesStarted(criterion(raw), span)).toBe(expected);
    });
  });

  it('narrows the GraphQL filter to whole London days that can only admit more', () => {
    const search = (raws: string[]) => ({ started: raws.map(criterion), modalities: [], statuses: new Set(['available']) }) as unknown as ImagingStudySearch;
    expect(toStudyFilter(search(['gt2024-06-30T23:30:00Z']))).toEqual({ from: '2024-07-01' });
    expect(toStudyFilter(search(['lt2024-07-01T00:00:00+01:00']))).toEqual({ to: '2024-06-30' });
    expect(toStudyFilter(search(['ge2024-03', 'le2024-03']))).toEqual({ from: '2024-03-01', to: '2024-03-31' });
    // Contradictory or out-of-range bounds are left to the exact rules rather than sent.
    expect(toStudyFilter(search(['gt2025', 'lt2024']))).toEqual({});
    expect(toStudyFilter(search(['ge1850']))).toEqual({});
  });
});
