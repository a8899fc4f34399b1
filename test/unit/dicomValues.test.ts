import { parseStudyDate, parseStudyTime, personNameText } from '../../lib/domain/dicomValues';

const time = (s: string) => parseStudyTime(s);
const date = (s: string) => parseStudyDate(s);

describe('DICOM values', () => {
  it.each([
    ['10', '10:00:00'],
    ['1015', '10:15:00'],
    ['101530', '10:15:30'],
    ['101530.1', '10:15:30'],
    ['101530.123456', '10:15:30'],
    ['10:15', '10:15:00'],
    ['10:15:30.25', '10:15:30'],
    ['235960', '23:59:59'],
  ])('reads the TM %s as %s', (input, expected) => {
    expect(time(input)).toEqual({ ok: true, value: expected });
  });

  it.each(['1', '101', '24', '1060', '101561', '101530.1234567', '10:1530', '10.5', ''])('refuses "%s" as a time of day', (input) => {
    expect(time(input).ok).toBe(false);
  });

  it.each([
    ['20240315', '2024-03-15'],
    ['2024-03-15', '2024-03-15'],
    ['2024.03.15', '2024-03-15'],
  ])('reads the DA %s as %s', (input, expected) => {
    expect(date(input)).toEqual({ ok: true, value: expected });
  });

  it.each(['2024-0315', '2024.03-15', '20230230', '18991231'])('refuses "%s" as a date', (input) => {
    expect(date(input).ok).toBe(false);
  });

  it('shows a person name from its Alphabetic group, else the Ideographic, else the Phonetic', () => {
    expect(personNameText({ Alphabetic: 'Yamada^Tarou', Ideographic: '山田^太郎' })).toBe('Yamada^Tarou');
    expect(personNameText({ Ideographic: '山田^太郎', Phonetic: 'やまだ^たろう' })).toBe('山田^太郎');
    expect(personNameText({ Alphabetic: '', Phonetic: 'やまだ^たろう' })).toBe('やまだ^たろう');
    expect(personNameText('Yamada^Tarou=山田^太郎=やまだ^たろう')).toBe('Yamada^Tarou');
    expect(personNameText('=山田^太郎')).toBe('山田^太郎');
  });

  it('drops empty trailing name components and treats an empty name as none', () => {
    expect(personNameText({ Alphabetic: 'Doe^Jane^^^' })).toBe('Doe^Jane');
    expect(personNameText({ Alphabetic: '^^' })).toBeNull();
    expect(personNameText({})).toBeNull();
  });
});
