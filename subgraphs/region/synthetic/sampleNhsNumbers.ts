import { createStudyGenerator, type SyntheticRegionOptions } from './createStudyGenerator';
import { mixSeed, Random } from './Random';

/**
 * Up to `count` distinct NHS numbers that have studies in the region, drawn at random
 * (reproducibly, from `sampleSeed`) by study, so patients with more studies come up more
 * often, as they do in real lookups. For benchmarks that query by NHS number.
 */
export function sampleNhsNumbers(options: SyntheticRegionOptions, count: number, sampleSeed = 1): string[] {
  const generator = createStudyGenerator(options);
  if (generator.studyCount === 0) return [];
  const random = new Random(mixSeed(options.seed, sampleSeed, 0x5a3e));
  const found = new Set<string>();
  // Bounded: a tiny region may have fewer distinct patients than asked for.
  for (let tries = 0; found.size < count && tries < count * 20; tries++) {
    found.add(generator.nhsNumberOfStudy(random.int(generator.studyCount)));
  }
  return [...found];
}
