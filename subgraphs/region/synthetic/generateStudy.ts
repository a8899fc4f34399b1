import type { StudyRecord } from '../StudyRecord';
import { createStudyGenerator, type StudyGenerator, type SyntheticRegionOptions } from './createStudyGenerator';

const cache = new Map<string, StudyGenerator>();
const CACHE_LIMIT = 8;

function keyOf(o: SyntheticRegionOptions): string {
  return JSON.stringify([o.seed, [...o.regionCodes].sort(), o.populationSize, o.regionCode, o.studyCount, o.archiveBaseUrl, o.viewerBaseUrl, o.referenceDate]);
}

/**
 * Study `index` of a synthetic region, on its own. Equal to the index-th study of
 * {@link generateRegion} with the same options. Generators are cached by options, so
 * calling this in a loop costs about the same as iterating.
 */
export function generateStudy(options: SyntheticRegionOptions, index: number): StudyRecord {
  const key = keyOf(options);
  let generator = cache.get(key);
  if (!generator) {
    generator = createStudyGenerator(options);
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
    cache.set(key, generator);
  }
  return generator.study(index);
}
