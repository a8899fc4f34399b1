/** A parsed value or the reason it was refused; validation failures are values, not exceptions. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

const UID = /^(0|[1-9]\d*)(\.(0|[1-9]\d*))+$/;

/** DICOM UID (PS3.5 9.1): dotted numeric, components without leading zeros, at most 64 characters. */
export function parseDicomUid(input: unknown, label = 'UID'): Parsed<string> {
  if (typeof input !== 'string' || input.trim() === '') return { ok: false, reason: `${label} is missing` };
  const uid = input.trim().replace(/\0+$/, '');
  if (uid.length > 64) return { ok: false, reason: `${label} is longer than 64 characters` };
  if (!UID.test(uid)) return { ok: false, reason: `${label} "${truncate(uid)}" is not a DICOM UID (dotted numbers, no leading zeros)` };
  return { ok: true, value: uid };
}

function isRealDate(y: number, m: number, d: number): boolean {
  const dt = new Date(Date.UTC(y, m - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
}

/**
 * A calendar date as ISO "YYYY-MM-DD". Accepts ISO or the DICOM DA form "YYYYMMDD".
 * Rejects impossible dates (2023-02-30) and years outside 1900..2100.
 */
export function parseStudyDate(input: unknown, label = 'date'): Parsed<string> {
  if (typeof input !== 'string') return { ok: false, reason: `${label} must be a string` };
  const m = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(input.trim());
  if (!m) return { ok: false, reason: `${label} "${truncate(input)}" is not a date (expected YYYY-MM-DD)` };
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1900 || y > 2100 || !isRealDate(y, mo, d)) return { ok: false, reason: `${label} "${truncate(input)}" is not a real calendar date` };
  return { ok: true, value: `${m[1]}-${m[2]}-${m[3]}` };
}

/** A time of day as "HH:MM:SS". Accepts "HH:MM[:SS]" or DICOM TM "HHMMSS[.ffffff]" (fraction dropped). */
export function parseStudyTime(input: unknown, label = 'time'): Parsed<string> {
  if (typeof input !== 'string') return { ok: false, reason: `${label} must be a string` };
  const s = input.trim();
  const m = /^(\d{2}):?(\d{2})(?::?(\d{2})(?:\.\d{1,6})?)?$/.exec(s);
  if (!m) return { ok: false, reason: `${label} "${truncate(input)}" is not a time (expected HH:MM:SS)` };
  const [h, mi, se] = [Number(m[1]), Number(m[2]), Number(m[3] ?? '0')];
  if (h > 23 || mi > 59 || se > 59) return { ok: false, reason: `${label} "${truncate(input)}" is not a real time of day` };
  return { ok: true, value: `${m[1]}:${m[2]}:${m[3] ?? '00'}` };
}

function truncate(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}...` : s;
}
