import type { SyntheticRegionOptions } from '../synthetic/createStudyGenerator';
import { createStudyGenerator } from '../synthetic/createStudyGenerator';
import { integerArg, stringArg, urlArg, type CliOptionSpecs, type CliValues } from './parseCliArgs';

/** Options shared by the CLIs that generate a synthetic region. */
export const SYNTHETIC_REGION_OPTIONS: CliOptionSpecs = {
  region: { type: 'string' },
  regions: { type: 'string' },
  studies: { type: 'string' },
  seed: { type: 'string' },
  population: { type: 'string' },
  'archive-base-url': { type: 'string' },
  'viewer-base-url': { type: 'string' },
  'reference-date': { type: 'string' },
};

export const SYNTHETIC_REGION_USAGE = `  --region CODE            region to generate, e.g. LDS (required)
  --regions A,B,C          every region of the national population (default: just --region)
  --studies N              studies in this region (required)
  --seed N                 seed of the population and studies (default 42)
  --population N           patients in the whole population, at most 900000 (default 900000)
  --archive-base-url URL   DICOMweb base of the archive (default https://pacs.<region>.example.nhs.uk/dicomweb)
  --viewer-base-url URL    viewer launch URL (default https://viewer.<region>.example.nhs.uk/viewer)
  --reference-date DATE    last day of the 15 years of history (default 2025-06-30)`;

/**
 * Reads the synthetic-region options, checking them by building a generator once, so the
 * generator's own rules (region codes, ranges) are the only ones.
 */
export function syntheticRegionArgs(values: CliValues): { ok: true; options: SyntheticRegionOptions } | { ok: false; message: string } {
  const region = stringArg(values, 'region')?.trim().toUpperCase();
  if (!region) return { ok: false, message: '--region is required' };
  const studies = integerArg(values, 'studies');
  if (!studies.ok) return studies;
  if (studies.value === undefined) return { ok: false, message: '--studies is required' };
  const seed = integerArg(values, 'seed');
  if (!seed.ok) return seed;
  const population = integerArg(values, 'population');
  if (!population.ok) return population;
  const archive = urlArg(values, 'archive-base-url');
  if (!archive.ok) return archive;
  const viewer = urlArg(values, 'viewer-base-url');
  if (!viewer.ok) return viewer;
  const regionsText = stringArg(values, 'regions');
  const regionCodes = regionsText === undefined ? [region] : regionsText.split(',').map((c) => c.trim().toUpperCase()).filter((c) => c !== '');
  const options: SyntheticRegionOptions = {
    seed: seed.value ?? 42,
    regionCode: region,
    regionCodes,
    studyCount: studies.value,
    ...(population.value !== undefined ? { populationSize: population.value } : {}),
    ...(archive.value !== undefined ? { archiveBaseUrl: archive.value } : {}),
    ...(viewer.value !== undefined ? { viewerBaseUrl: viewer.value } : {}),
    ...(stringArg(values, 'reference-date') !== undefined ? { referenceDate: stringArg(values, 'reference-date')! } : {}),
  };
  try {
    createStudyGenerator(options);
  } catch (err) {
    if (err instanceof RangeError) return { ok: false, message: err.message };
    throw err;
  }
  return { ok: true, options };
}
