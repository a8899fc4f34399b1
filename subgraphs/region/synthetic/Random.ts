// Module constants rather than Math.x at each call: these run millions of times, and under
// Jest (a vm context) every global lookup goes through a slow interceptor.
const { imul, floor } = Math;

/**
 * Mixes integers into one 32-bit seed (murmur3's finaliser per part). Every synthetic
 * value is drawn from a Random seeded by what identifies it, e.g. (seed, region, study
 * index), so any study can be produced on its own, in any order or chunking, and come
 * out the same.
 */
export function mixSeed(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const part of parts) {
    h = imul(h ^ (part >>> 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

/** A 32-bit FNV-1a hash of a string, for seeding from codes such as a region code. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * mulberry32: a tiny, fast PRNG with good enough statistics for test data. Not for
 * anything secret. Our own rather than Math.random because results must be reproducible.
 */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = imul(t ^ (t >>> 15), t | 1);
    t ^= t + imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return floor(this.next() * n);
  }

  /** Uniform integer in [min, max]. */
  between(min: number, max: number): number {
    return min + floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[floor(this.next() * items.length)]!;
  }
}

/** Cumulative weights for {@link pickWeighted}, built once per table. */
export interface WeightedTable<T> {
  items: readonly T[];
  cumulative: Float64Array;
}

export function weightedTable<T>(entries: ReadonlyArray<readonly [T, number]>): WeightedTable<T> {
  const cumulative = new Float64Array(entries.length);
  let sum = 0;
  entries.forEach(([, w], i) => {
    sum += w;
    cumulative[i] = sum;
  });
  for (let i = 0; i < cumulative.length; i++) cumulative[i] = cumulative[i]! / sum;
  return { items: entries.map(([item]) => item), cumulative };
}

export function pickWeighted<T>(random: Random, table: WeightedTable<T>): T {
  const u = random.next();
  const c = table.cumulative;
  for (let i = 0; i < c.length; i++) if (u < c[i]!) return table.items[i]!;
  return table.items[table.items.length - 1]!;
}
