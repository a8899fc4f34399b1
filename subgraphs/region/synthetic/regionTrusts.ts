import type { Population } from './Population';
import { hashString, mixSeed, Random } from './Random';
import { PLACE_NAMES, TRUST_NAME_PATTERNS } from './syntheticNames';

/** A made-up NHS trust performing imaging in a region. */
export interface SyntheticTrust {
  /** ODS-like trust code: "R" and two letters or digits, unique within the population. */
  odsCode: string;
  name: string;
  /** Prefix of the trust's local hospital numbers, e.g. "K1234567". */
  localIdPrefix: string;
}

const CODE_SPACE = 36 * 36;
const MAX_TRUSTS_PER_REGION = 8;
// Coprime with 36^2, so region/trust slots map to distinct, unordered-looking codes.
const CODE_STRIDE = 577;

/**
 * The 3-6 trusts of a region. Names depend only on the region code (stable across seeds
 * and populations, which keeps demos recognisable); codes depend on the region's position
 * in the population so that no two regions share one.
 */
export function regionTrusts(population: Population, region: number): SyntheticTrust[] {
  const code = population.regionCodes[region]!;
  const random = new Random(mixSeed(hashString(code), 0x7e57));
  const count = random.between(3, 6);
  const places = [...PLACE_NAMES];
  const trusts: SyntheticTrust[] = [];
  for (let t = 0; t < count; t++) {
    const slot = ((region * MAX_TRUSTS_PER_REGION + t) * CODE_STRIDE + 101) % CODE_SPACE;
    const odsCode = `R${slot.toString(36).toUpperCase().padStart(2, '0')}`;
    const first = places.splice(random.int(places.length), 1)[0]!;
    const second = places.splice(random.int(places.length), 1)[0]!;
    const name = random.pick(TRUST_NAME_PATTERNS).replace('{0}', first).replace('{1}', second);
    trusts.push({ odsCode, name, localIdPrefix: String.fromCharCode(65 + random.int(26)) });
  }
  return trusts;
}
