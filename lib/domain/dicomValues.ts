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
 * A calendar date as ISO "YYYY-MM-DD". Accepts ISO, the DICOM DA form "YYYYMMDD" and the
 * ACR-NEMA form "YYYY.MM.DD" that older archives still send (PS3.5 6.2, DA).
 * Rejects impossible dates (2023-02-30) and years outside 1900..2100.
 */
export function parseStudyDate(input: unknown, label = 'date'): Parsed<string> {
  if (typeof input !== 'string') return { ok: false, reason: `${label} must be a string` };
  const m = /^(\d{4})([-.]?)(\d{2})\2(\d{2})$/.exec(input.trim());
  if (!m) return { ok: false, reason: `${label} "${truncate(input)}" is not a date (expected YYYY-MM-DD or DICOM YYYYMMDD)` };
  const [y, mo, d] = [Number(m[1]), Number(m[3]), Number(m[4])];
  if (y < 1900 || y > 2100 || !isRealDate(y, mo, d)) return { ok: false, reason: `${label} "${truncate(input)}" is not a real calendar date` };
  return { ok: true, value: `${m[1]}-${m[3]}-${m[4]}` };
}

/**
 * A time of day as "HH:MM:SS". Accepts every DICOM TM form (PS3.5 6.2): "HH", "HHMM",
 * "HHMMSS" and "HHMMSS.F" to "HHMMSS.FFFFFF", and the colon forms "HH:MM" and
 * "HH:MM:SS[.F...]". Missing minutes and seconds are zero; the fraction is dropped (the
 * index orders histories to the second). A leap second (60) is allowed by DICOM and
 * stored as 59.
 */
export function parseStudyTime(input: unknown, label = 'time'): Parsed<string> {
  if (typeof input !== 'string') return { ok: false, reason: `${label} must be a string` };
  const s = input.trim();
  const m = /^(\d{2})(?:(:?)(\d{2})(?:\2(\d{2})(?:\.\d{1,6})?)?)?$/.exec(s);
  if (!m) return { ok: false, reason: `${label} "${truncate(input)}" is not a time (expected HH:MM:SS or DICOM HH[MM[SS[.FFFFFF]]])` };
  const [h, mi, se] = [Number(m[1]), Number(m[3] ?? '0'), Number(m[4] ?? '0')];
  if (h > 23 || mi > 59 || se > 60) return { ok: false, reason: `${label} "${truncate(input)}" is not a real time of day` };
  const two = (n: number) => String(n).padStart(2, '0');
  return { ok: true, value: `${two(h)}:${two(mi)}:${two(Math.min(se, 59))}` };
}

/** The component groups of a DICOM Person Name (PS3.5 6.2, PN; PS3.18 F.2.2 for JSON). */
export interface PersonNameGroups {
  Alphabetic?: string;
  Ideographic?: string;
  Phonetic?: string;
}

/**
 * One display form of a DICOM Person Name: the Alphabetic group ("Family^Given^Middle^
 * Prefix^Suffix") when it has any content, else the Ideographic, else the Phonetic group.
 * Takes the DICOM JSON object form or the Part 10 string form "alpha=ideo=phon". Trailing
 * empty components ("Doe^Jane^^^") are trimmed. Null when every group is empty.
 */
export function personNameText(value: string | PersonNameGroups): string | null {
  const groups = typeof value === 'string' ? value.split('=') : [value.Alphabetic, value.Ideographic, value.Phonetic];
  for (const g of groups) {
    if (typeof g !== 'string') continue;
    const t = g.replace(/\^+$/, '').trim();
    if (t !== '') return t;
  }
  return null;
}

function truncate(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}...` : s;
}
