import { parseRegionCode, REGION_CODE_RULE } from '../../../lib/domain/parseRegionCode';
import { MAX_SYNTHETIC_PATIENTS, syntheticNhsNumber } from './syntheticNhsNumber';
import { mixSeed } from './Random';

/** What defines a national synthetic population; every region generated from it must agree. */
export interface PopulationOptions {
  seed: number;
  /** Every region in the population. Order does not matter (they are sorted). */
  regionCodes: readonly string[];
  /** Patients in the whole country; at most {@link MAX_SYNTHETIC_PATIENTS} (the 999 range). */
  populationSize?: number;
}

/** The patients of one region in a fixed order, with where each one's studies start. */
export interface RegionPatients {
  /** Patient indices, ascending. */
  patients: Uint32Array;
  /** starts[j] = studies allotted to patients[0..j-1]; starts[n] = total allotment. */
  starts: Float64Array;
}

export const DEFAULT_POPULATION_SIZE = MAX_SYNTHETIC_PATIENTS;

// See Random.ts: hot paths avoid global lookups.
const { floor, min } = Math;

const MOVER_SHARE = 0.125;
const SECOND_MOVE_SHARE = 0.25;
const MAX_STUDIES_PER_PATIENT = 60;
// Discrete Pareto exponent: about 57% of patients get one study, 6% ten or more, a few dozens.
const PARETO_ALPHA = 1.2;

const SALT_MOVER = 1;
const SALT_WEIGHT = 2;

/**
 * The national population model. Patient p lives in region p mod K (so home patients of a
 * region are found without a scan); about 12.5% are movers with studies in one or two
 * further regions too. Each region lists its patients in ascending index order and gives
 * each a skewed number of studies; study i of a region belongs to the patient whose run
 * of studies covers position i (wrapping when a region has more studies than allotted).
 * Because every region lists patients by ascending index, small regions share their
 * low-index patients, so even a small demo has patients with studies in several regions.
 */
export class Population {
  readonly seed: number;
  readonly regionCodes: readonly string[];
  readonly size: number;
  private readonly cache = new Map<number, RegionPatients>();
  // A patient's number is asked for once per study; computing check digits each time is
  // most of the cost of a study otherwise.
  private readonly nhsNumbers: Array<string | undefined> = [];

  constructor(options: PopulationOptions) {
    const codes = [...new Set(options.regionCodes)].sort();
    if (codes.length === 0) throw new RangeError('a population needs at least one region');
    for (const c of codes) if (parseRegionCode(c) !== c) throw new RangeError(`region code "${c}" must be ${REGION_CODE_RULE}, upper-case`);
    const size = options.populationSize ?? DEFAULT_POPULATION_SIZE;
    if (!Number.isInteger(size) || size < 1 || size > MAX_SYNTHETIC_PATIENTS) {
      throw new RangeError(`populationSize must be 1..${MAX_SYNTHETIC_PATIENTS}`);
    }
    if (!Number.isInteger(options.seed) || options.seed < 0 || options.seed > 0xffffffff) {
      throw new RangeError('seed must be an integer 0..4294967295');
    }
    this.seed = options.seed;
    this.regionCodes = codes;
    this.size = size;
  }

  regionIndex(code: string): number {
    const i = this.regionCodes.indexOf(code);
    if (i < 0) throw new RangeError(`region ${code} is not in the population (${this.regionCodes.join(', ')})`);
    return i;
  }

  nhsNumber(patient: number): string {
    let nhs = this.nhsNumbers[patient];
    if (nhs === undefined) {
      nhs = syntheticNhsNumber(this.seed, patient);
      this.nhsNumbers[patient] = nhs;
    }
    return nhs;
  }

  homeRegion(patient: number): number {
    return patient % this.regionCodes.length;
  }

  /** Region indices where the patient has (or may have) studies, home first. */
  regionsOf(patient: number): number[] {
    const k = this.regionCodes.length;
    const home = patient % k;
    if (k < 2) return [home];
    const h = mixSeed(this.seed, SALT_MOVER, patient);
    if ((h & 0xffff) / 0x10000 >= MOVER_SHARE) return [home];
    const first = (h >>> 16) % (k - 1);
    const regions = [home, (home + 1 + first) % k];
    if (k >= 3 && ((h >>> 8) & 0xff) / 0x100 < SECOND_MOVE_SHARE) {
      // A second offset different from the first, so the three regions are distinct.
      const second = (first + 1 + (mixSeed(h, patient) % (k - 2))) % (k - 1);
      regions.push((home + 1 + second) % k);
    }
    return regions;
  }

  /** How many studies the patient is allotted in a region per pass through its list. */
  studyWeight(patient: number, region: number): number {
    const u = (mixSeed(this.seed, SALT_WEIGHT, patient, region) + 1) / 4294967297;
    return min(MAX_STUDIES_PER_PATIENT, floor(u ** (-1 / PARETO_ALPHA)));
  }

  /** The region's patient list, built once (about 30 ms for 900,000 patients). */
  regionPatients(region: number): RegionPatients {
    const cached = this.cache.get(region);
    if (cached) return cached;
    const list: number[] = [];
    for (let p = 0; p < this.size; p++) {
      if (p % this.regionCodes.length === region || this.regionsOf(p).includes(region)) list.push(p);
    }
    const patients = Uint32Array.from(list);
    const starts = new Float64Array(patients.length + 1);
    for (let j = 0; j < patients.length; j++) starts[j + 1] = starts[j]! + this.studyWeight(patients[j]!, region);
    const built = { patients, starts };
    this.cache.set(region, built);
    return built;
  }

  /** The patient who owns study `studyIndex` of a region. O(log n). */
  patientForStudy(region: number, studyIndex: number): number {
    const { patients, starts } = this.regionPatients(region);
    const total = starts[starts.length - 1]!;
    const position = studyIndex % total;
    let lo = 0;
    let hi = patients.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (starts[mid]! <= position) lo = mid;
      else hi = mid - 1;
    }
    return patients[lo]!;
  }

  /** Whether a region with `studyCount` studies holds at least one study of the patient. */
  hasStudiesIn(patient: number, region: number, studyCount: number): boolean {
    const { patients, starts } = this.regionPatients(region);
    let lo = 0;
    let hi = patients.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = patients[mid]!;
      if (v === patient) return starts[mid]! < studyCount;
      if (v < patient) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  }
}
