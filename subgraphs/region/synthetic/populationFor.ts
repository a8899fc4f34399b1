import { DEFAULT_POPULATION_SIZE, Population, type PopulationOptions } from './Population';

const cache = new Map<string, Population>();
const CACHE_LIMIT = 4;

/**
 * The shared Population for these options. Generators for several regions of one demo
 * reuse one instance, so each region's patient list is built once per process.
 */
export function populationFor(options: PopulationOptions): Population {
  const key = `${options.seed}|${options.populationSize ?? DEFAULT_POPULATION_SIZE}|${[...new Set(options.regionCodes)].sort().join(',')}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const population = new Population(options);
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(key, population);
  return population;
}
