import type { RegionRef } from '../../../lib/domain/RegionRef';
import { HIDDEN, type SelectionShape } from '../prepareFanOutOperation';
import { isObject, type JsonObject } from './isObject';
import { forEachScoped, forEachStudy } from './walkSelection';

/** A `Region` object for `shape` (aliases and __typename honoured) from the registry's entry. */
export function regionObject(shape: SelectionShape | null, ref: RegionRef): JsonObject {
  const out: JsonObject = {};
  for (const f of shape?.fields.values() ?? []) {
    if (f.name === '__typename') out[f.key] = 'Region';
    else if (f.name === 'code') out[f.key] = ref.code;
    else if (f.name === 'name') out[f.key] = ref.name;
  }
  return out;
}

/**
 * Overwrites whatever a region said about its own identity on the studies it returned
 * (`region`, `locations[].region`) with the registry's entry for the region the gateway
 * actually asked: a region can describe its studies, never claim to be another region.
 */
export function stampRegionIdentity(root: SelectionShape, data: unknown, ref: RegionRef): void {
  forEachStudy(root, data, (shape, study) => {
    for (const f of shape.fields.values()) {
      if (f.name === 'region' && isObject(study[f.key])) study[f.key] = regionObject(f.children, ref);
      if (f.name !== 'locations' || !Array.isArray(study[f.key])) continue;
      for (const location of study[f.key] as unknown[]) {
        if (!isObject(location)) continue;
        for (const lf of f.children?.fields.values() ?? []) if (lf.name === 'region') location[lf.key] = regionObject(lf.children, ref);
      }
    }
  });
}

/** How many studies a region returned for each history in its answer, by path (from the hidden per-history count). */
export function countRegionStudies(root: SelectionShape, data: unknown): Map<string, number> {
  const counts = new Map<string, number>();
  forEachScoped(root, data, (_field, scoped, path) => {
    const own = scoped[HIDDEN.sources];
    const count = Array.isArray(own) ? own.reduce<number>((n, s) => n + (isObject(s) && typeof s[HIDDEN.count] === 'number' ? (s[HIDDEN.count] as number) : 0), 0) : 0;
    counts.set(path, count);
  });
  return counts;
}
