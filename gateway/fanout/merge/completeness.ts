import type { RegionRef, RegionStatus } from '../../../lib/domain/RegionRef';
import { HIDDEN_PREFIX, type FieldShape, type SelectionShape } from '../prepareFanOutOperation';
import type { JsonObject } from './isObject';
import { regionObject } from './regionIdentity';
import { forEachScoped } from './walkSelection';

/**
 * Completeness, `sources` and `coverage` of scoped objects (imagingHistory, studyActivity),
 * written from what the gateway itself did, never from what regions said about themselves:
 * - `sources`: one entry per region asked for that object (the regions its filter.regions
 *   names, or every region the fetch went to), in registry order, with the round trip the
 *   gateway measured; failed regions with their status;
 * - `complete`: true only when every region asked answered (a region may still mark its own
 *   part incomplete, which can only make the answer more cautious);
 * - `coverage`: regionsInScope = regionsAsked + regionsSkipped, where skipped regions are
 *   those the patient locator ruled out with a fresh summary.
 * Counts in an activity report's sources stay null: a per-region total beside suppressed
 * buckets would give them away.
 */

/** Which regions a scoped field was asked of; null means every region called for the fetch. */
export type RegionsAskedFor = (scoped: FieldShape, variables: Record<string, unknown>) => ReadonlySet<string> | null;

/** One region the gateway asked for a fetch, and what came of it. */
export interface AskedRegion {
  region: RegionRef;
  status: RegionStatus;
  /** Round trip as the gateway measured it. */
  latencyMs: number | null;
  /** Studies it returned per scoped path; null when it did not answer. */
  counts: ReadonlyMap<string, number> | null;
}

/** Whom a fetch went to, in registry order, and whom the patient locator ruled out. */
export interface FetchScope {
  asked: readonly AskedRegion[];
  skipped: readonly string[];
}

/** Merges one field of a scoped object other than its studies. */
export function mergeScopedField(field: FieldShape, values: readonly unknown[]): unknown {
  if (field.name === 'complete') return values.every((v) => v === true);
  // sources and coverage are written by the gateway afterwards; buckets concatenate.
  if (field.name === 'sources' || field.name === 'coverage') return null;
  return field.list ? values.flatMap((v) => (Array.isArray(v) ? v : [])) : (values.find((v) => v !== undefined && v !== null) ?? null);
}

/** Writes complete, sources and coverage into every scoped object of `data`, in place. */
export function stampCompleteness(root: SelectionShape, data: unknown, variables: Record<string, unknown>, scope: FetchScope, regionsAskedFor: RegionsAskedFor): void {
  forEachScoped(root, data, (field, scoped, path) => {
    const named = regionsAskedFor(field, variables);
    const inScope = (code: string) => named === null || named.has(code);
    const asked = scope.asked.filter((a) => inScope(a.region.code));
    const skipped = scope.skipped.filter(inScope);
    const isActivity = field.typeName === 'ActivityReport';
    for (const child of field.children?.fields.values() ?? []) {
      // The gateway's own hidden fields (a region's per-history count) are not the client's.
      if (child.key.startsWith(HIDDEN_PREFIX)) continue;
      switch (child.name) {
        case 'complete':
          scoped[child.key] = scoped[child.key] !== false && asked.every((a) => a.status === 'OK');
          break;
        case 'sources':
          scoped[child.key] = asked.map((a) => source(child.children, a, isActivity || !a.counts ? null : (a.counts.get(path) ?? 0)));
          break;
        case 'coverage':
          scoped[child.key] = coverage(child.children, asked.length, skipped.length);
          break;
        default:
          break;
      }
    }
  });
}

function source(shape: SelectionShape | null, asked: AskedRegion, studyCount: number | null): JsonObject {
  const values: JsonObject = { __typename: 'HistorySource', status: asked.status, latencyMs: asked.latencyMs, studyCount };
  const out: JsonObject = {};
  for (const f of shape?.fields.values() ?? []) out[f.key] = f.name === 'region' ? regionObject(f.children, asked.region) : (values[f.name] ?? null);
  return out;
}

function coverage(shape: SelectionShape | null, asked: number, skipped: number): JsonObject {
  const values: JsonObject = { __typename: 'Coverage', regionsInScope: asked + skipped, regionsAsked: asked, regionsSkipped: skipped };
  const out: JsonObject = {};
  for (const f of shape?.fields.values() ?? []) out[f.key] = values[f.name] ?? null;
  return out;
}
