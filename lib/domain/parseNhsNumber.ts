/** Result of {@link parseNhsNumber}: a normalised number, or the reason it was refused. */
export type NhsNumberResult = { ok: true; value: string } | { ok: false; reason: string };

const WEIGHTS = [10, 9, 8, 7, 6, 5, 4, 3, 2] as const;
const GROUPED = /^(\d{3})([ -])(\d{3})\2(\d{4})$/;

/** The modulus-11 check digit for the first nine digits, or null when none exists (remainder 10). */
export function nhsCheckDigit(firstNine: string): number | null {
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(firstNine.charCodeAt(i) - 48) * WEIGHTS[i]!;
  const check = 11 - (sum % 11);
  if (check === 11) return 0;
  if (check === 10) return null;
  return check;
}

/**
 * Validates an NHS number as typed by a person or sent by a system: ten digits, or
 * grouped 3-3-4 with single spaces or single hyphens (one separator style), surrounding
 * whitespace ignored. Returns the ten digits, or a reason that says what is wrong.
 * Never throws, so it can guard every entry point before anything reaches SQL.
 */
export function parseNhsNumber(input: unknown): NhsNumberResult {
  if (typeof input !== 'string') return { ok: false, reason: 'NHS number must be a string' };
  if (input.length > 64) return { ok: false, reason: 'NHS number is too long: expected 10 digits' };
  const trimmed = input.trim();
  if (trimmed === '') return { ok: false, reason: 'NHS number is empty' };
  let digits: string;
  const grouped = GROUPED.exec(trimmed);
  if (grouped) {
    digits = `${grouped[1]}${grouped[3]}${grouped[4]}`;
  } else if (/^\d+$/.test(trimmed)) {
    digits = trimmed;
  } else if (/^[\d -]+$/.test(trimmed)) {
    return { ok: false, reason: 'NHS number must be 10 digits, optionally grouped 3-3-4 with single spaces or hyphens' };
  } else {
    return { ok: false, reason: 'NHS number may contain only digits, optionally grouped 3-3-4 with spaces or hyphens' };
  }
  if (digits.length !== 10) {
    return { ok: false, reason: `NHS number must have 10 digits, got ${digits.length}` };
  }
  const expected = nhsCheckDigit(digits.slice(0, 9));
  if (expected === null) return { ok: false, reason: 'NHS number is invalid: its first nine digits have no valid check digit' };
  if (expected !== Number(digits[9])) return { ok: false, reason: 'NHS number check digit is wrong' };
  return { ok: true, value: digits };
}

/** "9434765919" -> "943 476 5919", the form people read. */
export function formatNhsNumber(digits: string): string {
  return `${digits.slice(0, 3)} ${digits.slice(3, 6)} ${digits.slice(6)}`;
}
