import type { Pool } from 'pg';
import { loadStudies, type LoadStudiesOptions, type LoadSummary } from '../bulk/loadStudies';
import { createStudyGenerator, type SyntheticRegionOptions } from './createStudyGenerator';

/**
 * Generates a synthetic region and loads it through the bulk loader, with no file in
 * between. Idempotent: seeding again with the same options leaves every row as it was.
 */
export async function seedRegion(pool: Pool, options: SyntheticRegionOptions, load: LoadStudiesOptions = {}): Promise<LoadSummary> {
  return loadStudies(pool, createStudyGenerator(options).studies(), load);
}
