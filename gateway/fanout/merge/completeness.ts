import type { FieldShape, SelectionShape } from '../prepareFanOutOperation';
import { isObject, type JsonObject } from './isObject';
import type { RegionAnswer, RegionFailure } from './RegionAnswer';
import { forEachScoped, responseKeys } from './walkSelection';

/**
 * Completeness and `sources` bookkeeping of scoped objects (imagingHistory, studyActivity):
 * `complete` is true only if every region asked answered; `sources` lists every region
 * asked, in region order, with the round trip the gateway measured, and failed regions
 * with their status.
 */

/** Which regions a scoped field was asked of; null means every region called for the fetch. */
export type RegionsAskedFor = (scoped: FieldShape, variables: Record<string, unknown>) => ReadonlySet<string> | null;

/** Merges one field of a scoped object other than its studies: `complete`, `sources`, `buckets`. */
export function mergeScopedField(field: FieldShape, values: readonly unknown[]): unknown {
  if (field.name === 'complete') return values.every((v) => v === true);
  // sources, buckets: every region's, in region order
  return field.list ? values.flatMap((v) => (Array.isArray(v) ? v : [])) : (values.find((v) => v !== undefined && v !== null) ?? null);
}

/** Sets the gateway-measured round trip on the sources a region reported about itself. */
export function stampLatency(root: SelectionShape, answer: RegionAnswer): void {
  forEachScoped(root, answer.data, (field, scoped) => {
    for (const sources of field.children!.fields.values()) {
      if (sources.name !== 'sources' || !Array.isArray(scoped[sources.key])) continue;
      const latencyKeys = responseKeys(sources.children, 'latencyMs');
      for (const source of scoped[sources.key] as unknown[]) {
        if (isObject(source)) for (const k of latencyKeys) source[k] = answer.latencyMs;
      }
    }
  });
}

/** Marks every scoped object that asked a failed region incomplete and lists the failure in its sources. */
export function recordFailures(root: SelectionShape, data: JsonObject, failures: readonly RegionFailure[], variables: Record<string, unknown>, regionsAskedFor: RegionsAskedFor): void {
  if (failures.length === 0) return;
  forEachScoped(root, data, (field, scoped) => {
    const asked = regionsAskedFor(field, variables);
    const missing = failures.filter((f) => asked === null || asked.has(f.region.code));
    if (missing.length === 0) return;
    for (const child of field.children!.fields.values()) {
      if (child.name === 'complete') scoped[child.key] = false;
      if (child.name === 'sources') {
        const list = Array.isArray(scoped[child.key]) ? (scoped[child.key] as unknown[]) : [];
        const failed = missing.map((f) => build(child.children, { region: f.region, status: f.status, latencyMs: f.latencyMs, studyCount: null }, 'HistorySource'));
        scoped[child.key] = [...list, ...failed];
      }
    }
  });
}

/** Builds an object for `shape` from plain values by field name (sources of failed regions). */
function build(shape: SelectionShape | null, values: JsonObject, typename: string): JsonObject {
  const out: JsonObject = {};
  if (!shape) return out;
  for (const field of shape.fields.values()) {
    if (field.name === '__typename') out[field.key] = typename;
    else if (field.name === 'region') out[field.key] = build(field.children, values.region as JsonObject, 'Region');
    else out[field.key] = values[field.name] ?? null;
  }
  return out;
}
