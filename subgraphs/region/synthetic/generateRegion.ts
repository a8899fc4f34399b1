import type { StudyRecord } from '../StudyRecord';
import { createStudyGenerator, type SyntheticRegionOptions } from './createStudyGenerator';

/** All studies of a synthetic region, lazily, in index order. Memory stays flat for any size. */
export function generateRegion(options: SyntheticRegionOptions, from = 0, to = options.studyCount): IterableIterator<StudyRecord> {
  return createStudyGenerator(options).studies(from, to);
}
