import { nhsCheckDigit } from '../../../lib/domain/parseNhsNumber';

/**
 * How many distinct patients the 999 test range can hold with our mapping: stems
 * 999000000..999999999 grouped in 100,000 runs of ten ("decades") that differ only in
 * the last stem digit. Within a decade at most one stem has no check digit (its weight
 * is 2, so the ten stems hit ten different remainders mod 11), so taking 9 per decade
 * is always possible and makes the mapping O(1).
 */
export const MAX_SYNTHETIC_PATIENTS = 900_000;

// See Random.ts: hot paths avoid global lookups.
const { floor } = Math;
const { isInteger } = Number;
const DECADES = 100_000;
// Coprime with 100,000, so decade -> (A * decade + offset) mod 100,000 is a bijection:
// neighbouring patients get unrelated-looking numbers.
const A = 7919;

/**
 * The NHS number of synthetic patient `patientIndex` (0 <= index < 900,000): always in the
 * 999 test range, always with a valid modulus-11 check digit, distinct for distinct
 * indices under the same seed.
 */
export function syntheticNhsNumber(seed: number, patientIndex: number): string {
  if (!isInteger(patientIndex) || patientIndex < 0 || patientIndex >= MAX_SYNTHETIC_PATIENTS) {
    throw new RangeError(`patient index ${patientIndex} is outside 0..${MAX_SYNTHETIC_PATIENTS - 1}`);
  }
  const decade = floor(patientIndex / 9);
  let k = patientIndex % 9;
  const scrambled = (A * decade + (seed >>> 0)) % DECADES;
  const prefix = `999${String(scrambled).padStart(5, '0')}`;
  for (let d = 0; d < 10; d++) {
    const stem = `${prefix}${d}`;
    const check = nhsCheckDigit(stem);
    if (check === null) continue;
    if (k === 0) return `${stem}${check}`;
    k--;
  }
  throw new Error('unreachable: every decade has at least nine valid stems');
}
