import { forEachScoped } from './forEachScoped';
import { historyRegions } from './mergeRegionAnswers';
import { HIDDEN_PREFIX, type SelectionShape } from './prepareFanOutOperation';
import { regionObject, type RegionRef } from './stampRegionIdentity';

/** One region the gateway asked for a fetch, and what came of it. */
export interface AskedRegion {
  region: RegionRef;
  status: 'OK' | 'UNAVAILABLE' | 'TIMEOUT';
  /** Round trip as the gateway measured it; null when never sent (breaker open). */
  latencyMs: number | null;
  /** Studies it returned per history path; null when it did not answer. */
  counts: Map<string, number> | null;
}

/** Whom a fetch went to, and whom the patient locator ruled out. */
export interface FetchScope {
  asked: readonly AskedRegion[];
  /** Codes of regions in scope that a fresh membership summary ruled out. */
  skipped: readonly string[];
}

/**
 * Writes `complete`, `sources` and `coverage` of every history and activity report from
 * what the gateway itself did, never from what regions said about themselves:
 * - `sources`: one entry per region asked for that history (named by its filter.regions,
 *   or every region), in registry order, failed ones with their status;
 * - `complete`: true only when every region asked answered;
 * - `coverage`: regionsInScope = regionsAsked + regionsSkipped.
 * Counts in an activity report's sources stay null: a per-region total beside suppressed
 * buckets would give them away.
 */
export function stampCompleteness(root: SelectionShape, data: unknown, variables: Record<string, unknown>, scope: FetchScope): void {
  forEachScoped(root, data, (path, field, summary) => {
    const named = historyRegions(field, variables);
    const inScope = (code: string) => named === null || named.includes(code);
    const asked = scope.asked.filter((a) => inScope(a.region.code));
    const skipped = scope.skipped.filter(inScope);
    const isActivity = field.typeName === 'ActivityReport';
    for (const child of field.children?.fields.values() ?? []) {
      // The gateway's own hidden fields (a region's per-history count) are not the client's.
      if (child.key.startsWith(HIDDEN_PREFIX)) continue;
      switch (child.name) {
        case 'complete':
          summary[child.key] = asked.every((a) => a.status === 'OK');
          break;
        case 'sources':
          summary[child.key] = asked.map((a) => source(child.children, a, isActivity ? null : (a.counts?.get(path) ?? (a.counts ? 0 : null))));
          break;
        case 'coverage':
          summary[child.key] = coverage(child.children, asked.length, skipped.length);
          break;
        default:
          break;
      }
    }
  });
}

function source(shape: SelectionShape | null, asked: AskedRegion, studyCount: number | null): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of shape?.fields.values() ?? []) {
    switch (f.name) {
      case '__typename':
        out[f.key] = 'HistorySource';
        break;
      case 'region':
        out[f.key] = regionObject(f.children, asked.region);
        break;
      case 'status':
        out[f.key] = asked.status;
        break;
      case 'latencyMs':
        out[f.key] = asked.latencyMs;
        break;
      case 'studyCount':
        out[f.key] = studyCount;
        break;
      default:
        out[f.key] = null;
    }
  }
  return out;
}

function coverage(shape: SelectionShape | null, asked: number, skipped: number): Record<string, unknown> {
  const values: Record<string, unknown> = { __typename: 'Coverage', regionsInScope: asked + skipped, regionsAsked: asked, regionsSkipped: skipped };
  const out: Record<string, unknown> = {};
  for (const f of shape?.fields.values() ?? []) out[f.key] = values[f.name] ?? null;
  return out;
}
