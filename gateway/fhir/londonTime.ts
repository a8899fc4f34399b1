/**
 * DICOM dates and times carry no zone; English archives record local time. These helpers
 * read them as Europe/London wall-clock time (GMT in winter, BST in summer) and turn them
 * into instants and FHIR date-times with an explicit offset.
 */

const formatter = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** London's offset from UTC, in ms, at an instant. */
export function londonOffsetMs(instant: number): number {
  const parts: Record<string, number> = {};
  for (const p of formatter.formatToParts(new Date(instant))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return wall - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant of a London wall-clock time. A time skipped when clocks go forward is read
 * one hour later; a time repeated when they go back is read as the second (GMT) one.
 */
export function londonToInstant(year: number, month: number, day: number, hour = 0, minute = 0, second = 0, ms = 0): number {
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  const first = asUtc - londonOffsetMs(asUtc);
  const offset = londonOffsetMs(first);
  return asUtc - offset;
}

/** The London calendar date (YYYY-MM-DD) of an instant. */
export function londonDate(instant: number): string {
  return new Date(instant + londonOffsetMs(instant)).toISOString().slice(0, 10);
}

/** A FHIR dateTime for an instant, in London wall-clock time with its offset: 2024-07-01T10:15:00+01:00. */
export function toLondonDateTime(instant: number): string {
  const offset = londonOffsetMs(instant);
  const wall = new Date(instant + offset).toISOString().slice(0, 19);
  const minutes = Math.abs(offset) / 60_000;
  const sign = offset < 0 ? '-' : '+';
  return `${wall}${sign}${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** The span [start, end) a study's DICOM date (and time, if known) covers, as instants. */
export function studySpan(studyDate: string, studyTime: string | null): { start: number; end: number } {
  const [y, mo, d] = studyDate.split('-').map(Number) as [number, number, number];
  if (studyTime) {
    const [h, mi, s] = studyTime.split(':').map(Number) as [number, number, number];
    const start = londonToInstant(y, mo, d, h, mi, s);
    return { start, end: start + 1000 };
  }
  return { start: londonToInstant(y, mo, d), end: londonToInstant(y, mo, d + 1) };
}
