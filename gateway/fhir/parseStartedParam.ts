import { londonToInstant } from './londonTime';

/** FHIR date prefixes we support; ne, sa, eb and ap are refused as not supported. */
export type DatePrefix = 'eq' | 'ge' | 'le' | 'gt' | 'lt';

/**
 * One `started` criterion: the prefix and the span [start, end) its value denotes at the
 * precision it was written with (a day, a month, a second...), as instants.
 */
export interface StartedCriterion {
  prefix: DatePrefix;
  start: number;
  end: number;
}

export type ParsedStarted = { ok: true; value: StartedCriterion } | { ok: false; unsupported: boolean; reason: string };

const VALUE = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

/**
 * Parses a `started` search value: an optional prefix, then a date (YYYY, YYYY-MM,
 * YYYY-MM-DD) or a date-time. Without a zone the value is London wall-clock time, as the
 * studies' own DICOM dates are.
 */
export function parseStartedParam(raw: string): ParsedStarted {
  // An unencoded '+' in a form body or query string arrives as a space: read it back.
  const value = raw.trim().replace(/ (\d{2}:\d{2})$/, '+$1');
  const prefixed = /^(eq|ne|gt|lt|ge|le|sa|eb|ap)?(.*)$/.exec(value)!;
  const prefix = (prefixed[1] ?? 'eq') as DatePrefix | 'ne' | 'sa' | 'eb' | 'ap';
  if (prefix === 'ne' || prefix === 'sa' || prefix === 'eb' || prefix === 'ap') {
    return { ok: false, unsupported: true, reason: `started: prefix "${prefix}" is not supported (use eq, ge, le, gt or lt)` };
  }
  const m = VALUE.exec(prefixed[2]!);
  const bad = { ok: false as const, unsupported: false, reason: `started: "${raw.slice(0, 40)}" is not a FHIR date or dateTime` };
  if (!m) return bad;
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => (m[i] === undefined ? undefined : Number(m[i])));
  const fraction = m[7];
  const zone = m[8];
  if ((month !== undefined && (month < 1 || month > 12)) || (day !== undefined && (day < 1 || day > 31))) return bad;
  if ((hour ?? 0) > 23 || (minute ?? 0) > 59 || (second ?? 0) > 59) return bad;
  if (hour !== undefined && new Date(Date.UTC(year!, month! - 1, day!)).getUTCDate() !== day) return bad;
  const ms = fraction === undefined ? 0 : Math.floor(Number(`0.${fraction}`) * 1000);
  // The value's own precision fixes the width of its span.
  const step = fraction !== undefined ? 1 : second !== undefined ? 1000 : 60_000;
  let start: number;
  let end: number;
  if (hour === undefined) {
    start = londonToInstant(year!, month ?? 1, day ?? 1);
    end = day !== undefined ? londonToInstant(year!, month!, day + 1) : month !== undefined ? londonToInstant(year!, month + 1, 1) : londonToInstant(year! + 1, 1, 1);
  } else if (zone !== undefined) {
    const offsetMs = zone === 'Z' ? 0 : (zone.startsWith('-') ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60_000;
    start = Date.UTC(year!, month! - 1, day!, hour, minute!, second ?? 0, ms) - offsetMs;
    end = start + step;
  } else {
    start = londonToInstant(year!, month!, day!, hour, minute!, second ?? 0, ms);
    end = start + step;
  }
  return { ok: true, value: { prefix: prefix as DatePrefix, start, end } };
}

/**
 * Whether a study spanning [start, end) matches, by R4's rules for ranges: eq when the
 * study lies within the value's span; gt/lt when it reaches past the span's end/start;
 * ge/le either. Exact to the millisecond: nothing is rounded to days.
 */
export function matchesStarted(criterion: StartedCriterion, study: { start: number; end: number }): boolean {
  const within = criterion.start <= study.start && study.end <= criterion.end;
  switch (criterion.prefix) {
    case 'eq':
      return within;
    case 'gt':
      return study.end > criterion.end;
    case 'lt':
      return study.start < criterion.start;
    case 'ge':
      return within || study.end > criterion.end;
    case 'le':
      return within || study.start < criterion.start;
    default: {
      const never: never = criterion.prefix;
      throw new Error(`unknown prefix ${String(never)}`);
    }
  }
}
