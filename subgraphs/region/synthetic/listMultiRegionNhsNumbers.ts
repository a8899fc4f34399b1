import type { PopulationOptions } from './Population';
import { populationFor } from './populationFor';

/** A synthetic patient with studies in more than one region. */
export interface MultiRegionPatient {
  nhsNumber: string;
  /** Region codes holding at least one of the patient's studies, home region first. */
  regionCodes: string[];
}

export interface MultiRegionQuery extends PopulationOptions {
  /** Studies generated per region: one number for all, or per region code. Regions missing from a record count as empty. */
  studyCounts: number | Readonly<Record<string, number>>;
  /** How many patients to return (default 10). */
  limit?: number;
  /** At least this many regions (default 2). */
  minRegions?: number;
}

/**
 * NHS numbers that really have studies in several regions for these study counts (the
 * demo prints one to try). Exact, not sampled: it asks the population model which regions
 * hold studies of each patient, in ascending patient order, without generating studies.
 */
export function listMultiRegionNhsNumbers(query: MultiRegionQuery): MultiRegionPatient[] {
  const population = populationFor(query);
  const limit = query.limit ?? 10;
  const minRegions = query.minRegions ?? 2;
  const countFor = (code: string): number =>
    typeof query.studyCounts === 'number' ? query.studyCounts : (query.studyCounts[code] ?? 0);
  const found: MultiRegionPatient[] = [];
  for (let p = 0; p < population.size && found.length < limit; p++) {
    const regions = population.regionsOf(p);
    if (regions.length < minRegions) continue;
    const holding = regions.filter((r) => population.hasStudiesIn(p, r, countFor(population.regionCodes[r]!)));
    if (holding.length >= minRegions) {
      found.push({ nhsNumber: population.nhsNumber(p), regionCodes: holding.map((r) => population.regionCodes[r]!) });
    }
  }
  return found;
}
