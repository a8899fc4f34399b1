import { valueFromASTUntyped, type GraphQLFormattedError } from 'graphql';
import { HIDDEN, HIDDEN_PREFIX, SCOPED_TYPES, type FieldShape, type SelectionShape } from './prepareFanOutOperation';

/**
 * The merge rules for fanned-out fetches, stated once (../shared/DESIGN.md):
 * - `_entities` answers merge position by position (one entity per representation);
 * - objects merge field by field; scalars take the first region's non-null value;
 * - lists concatenate, except a study's own lists (series, modalities), which belong to
 *   one copy of the study;
 * - `imagingHistory.studies` is ordered newest first across regions, a StudyInstanceUID
 *   reported by several regions appears once with every region in `locations`, and
 *   `first: N` keeps the newest N of the combined list;
 * - `complete` is true only if every region asked answered; `sources` lists every region
 *   asked, failed ones with their status;
 * - `studyActivity` buckets with the same key are summed across regions, then any count
 *   below the suppression threshold is withheld (studyCount null, suppressed true), even
 *   when only one region answered;
 * - errors a region reports keep paths that point at the merged data; identical errors
 *   from several regions appear once.
 * Region order (the registry's) breaks ties, so answers are deterministic.
 */

export interface RegionRef {
  code: string;
  name: string;
}

export interface RegionAnswer {
  region: RegionRef;
  latencyMs: number;
  data: Record<string, unknown> | null;
  errors: GraphQLFormattedError[];
}

export type FailureStatus = 'UNAVAILABLE' | 'TIMEOUT';

export interface RegionFailure {
  region: RegionRef;
  status: FailureStatus;
  latencyMs: number | null;
}

export interface MergeInput {
  root: SelectionShape;
  variables: Record<string, unknown>;
  answers: RegionAnswer[];
  failures: RegionFailure[];
  /** Counts below this are never shown exactly. */
  suppressionThreshold: number;
  /** Which regions each imagingHistory was asked of; by default, every region. */
  regionsAskedFor?: (history: FieldShape, variables: Record<string, unknown>) => Set<string> | null;
}

export interface MergeResult {
  data: Record<string, unknown> | null;
  errors: GraphQLFormattedError[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `first` of an imagingHistory field, literal or variable. */
export function historyFirst(field: FieldShape, variables: Record<string, unknown>): number | null {
  const arg = field.args.find((a) => a.name.value === 'first');
  if (!arg) return null;
  const value = valueFromASTUntyped(arg.value, variables);
  return typeof value === 'number' ? value : null;
}

/** `filter.regions` of an imagingHistory field, literal or variable; null when absent. */
export function historyRegions(field: FieldShape, variables: Record<string, unknown>): string[] | null {
  const arg = field.args.find((a) => a.name.value === 'filter');
  if (!arg) return null;
  const filter = valueFromASTUntyped(arg.value, variables);
  if (!isObj(filter) || !Array.isArray(filter.regions)) return null;
  return filter.regions.filter((r): r is string => typeof r === 'string').map((r) => r.trim().toUpperCase());
}

function compareStudies(a: Obj, b: Obj): number {
  // Newest first; undated last; UID ascending as the tie-break every region also uses.
  const ad = (a[HIDDEN.date] as string | null) ?? '';
  const bd = (b[HIDDEN.date] as string | null) ?? '';
  if (ad !== bd) return ad === '' ? 1 : bd === '' ? -1 : ad < bd ? 1 : -1;
  const at = (a[HIDDEN.time] as string | null) ?? '';
  const bt = (b[HIDDEN.time] as string | null) ?? '';
  if (at !== bt) return at === '' ? 1 : bt === '' ? -1 : at < bt ? 1 : -1;
  const au = String(a[HIDDEN.uid] ?? '');
  const bu = String(b[HIDDEN.uid] ?? '');
  return au < bu ? -1 : au > bu ? 1 : 0;
}

class Merger {
  constructor(private readonly variables: Record<string, unknown>) {}

  object(shape: SelectionShape | null, objects: Obj[]): Obj {
    if (objects.length === 1) return objects[0]!;
    const out: Obj = {};
    for (const o of objects) {
      for (const key of Object.keys(o)) {
        if (key in out) continue;
        const field = shape?.fields.get(key);
        const values = objects.map((x) => x[key]);
        out[key] = field ? this.value(field, values) : values.find((v) => v !== undefined && v !== null) ?? null;
      }
    }
    return out;
  }

  value(field: FieldShape, values: unknown[]): unknown {
    const present = values.filter((v) => v !== undefined && v !== null);
    if (present.length === 0) return values.find((v) => v !== undefined) ?? null;
    if (present.length === 1 || field.children === null) return present[0];
    if (SCOPED_TYPES.has(field.typeName) && !field.list) return this.history(field, present.filter(isObj));
    if (field.list) {
      const lists = present.filter(Array.isArray) as unknown[][];
      if (field.name === '_entities') {
        const length = Math.max(...lists.map((l) => l.length));
        return Array.from({ length }, (_, i) => {
          const items = lists.map((l) => l[i]).filter(isObj);
          return items.length === 0 ? null : this.object(field.children, items);
        });
      }
      if (field.parentType === 'Study') return lists[0]; // a study's own lists belong to one copy
      return lists.flat();
    }
    const objects = present.filter(isObj);
    return field.typeName === 'Study' ? this.studyCopies(field.children, objects) : this.object(field.children, objects);
  }

  /** Copies of one study from several regions: the first copy, with every region's locations. */
  studyCopies(shape: SelectionShape | null, copies: Obj[]): Obj {
    const first = copies[0]!;
    if (copies.length === 1 || !shape) return first;
    const merged: Obj = { ...first };
    for (const field of shape.fields.values()) {
      if (field.name !== 'locations') continue;
      const all = copies.flatMap((c) => (Array.isArray(c[field.key]) ? (c[field.key] as unknown[]) : []));
      merged[field.key] = all;
    }
    return merged;
  }

  history(field: FieldShape, histories: Obj[]): Obj {
    const out: Obj = {};
    const shape = field.children!;
    for (const child of shape.fields.values()) {
      const values = histories.map((h) => h[child.key]);
      switch (child.name) {
        case 'studies': {
          const all = values.flatMap((v) => (Array.isArray(v) ? v.filter(isObj) : []));
          all.sort(compareStudies);
          const byUid = new Map<string, Obj[]>();
          const order: string[] = [];
          for (const s of all) {
            const uid = String(s[HIDDEN.uid]);
            const copies = byUid.get(uid);
            if (copies) copies.push(s);
            else {
              byUid.set(uid, [s]);
              order.push(uid);
            }
          }
          const first = historyFirst(field, this.variables);
          const kept = first === null ? order : order.slice(0, first);
          out[child.key] = kept.map((uid) => this.studyCopies(child.children, byUid.get(uid)!));
          break;
        }
        case 'complete':
          out[child.key] = values.every((v) => v === true);
          break;
        default:
          // sources, buckets: every region's, in region order
          out[child.key] = child.list ? values.flatMap((v) => (Array.isArray(v) ? v : [])) : (values.find((v) => v !== undefined && v !== null) ?? null);
      }
    }
    return out;
  }
}

/** Calls `visit` on every imagingHistory object in `data`, with its field shape. */
function forEachHistory(shape: SelectionShape, data: unknown, visit: (field: FieldShape, history: Obj) => void): void {
  if (Array.isArray(data)) {
    for (const item of data) forEachHistory(shape, item, visit);
    return;
  }
  if (!isObj(data)) return;
  for (const field of shape.fields.values()) {
    const value = data[field.key];
    if (value === undefined || value === null || !field.children) continue;
    if (SCOPED_TYPES.has(field.typeName) && isObj(value)) visit(field, value);
    else forEachHistory(field.children, value, visit);
  }
}

/** Builds an object for `shape` from plain values by field name (for sources of failed regions). */
function build(shape: SelectionShape | null, values: Record<string, unknown>, typename: string): Obj {
  const out: Obj = {};
  if (!shape) return out;
  for (const field of shape.fields.values()) {
    if (field.name === '__typename') out[field.key] = typename;
    else if (field.name === 'region') out[field.key] = build(field.children, values.region as Obj, 'Region');
    else out[field.key] = values[field.name] ?? null;
  }
  return out;
}

/** Sets the gateway-measured round trip on the sources a region reported about itself. */
function stampLatency(root: SelectionShape, answer: RegionAnswer): void {
  forEachHistory(root, answer.data, (field, history) => {
    for (const sources of field.children!.fields.values()) {
      if (sources.name !== 'sources' || !Array.isArray(history[sources.key])) continue;
      const latencyKeys = [...(sources.children?.fields.values() ?? [])].filter((f) => f.name === 'latencyMs').map((f) => f.key);
      for (const source of history[sources.key] as unknown[]) {
        if (isObj(source)) for (const k of latencyKeys) source[k] = answer.latencyMs;
      }
    }
  });
}

/** Re-points a region's error path at the merged data, following studies that moved. */
function remapPath(path: ReadonlyArray<string | number>, shape: SelectionShape, original: unknown, merged: unknown): Array<string | number> | undefined {
  const out: Array<string | number> = [];
  let field: FieldShape | undefined;
  let currentShape: SelectionShape | null = shape;
  let o: unknown = original;
  let m: unknown = merged;
  for (const segment of path) {
    if (typeof segment === 'string') {
      field = currentShape?.fields.get(segment);
      currentShape = field?.children ?? null;
      o = isObj(o) ? o[segment] : undefined;
      m = isObj(m) ? m[segment] : undefined;
      out.push(segment);
      continue;
    }
    const item = Array.isArray(o) ? o[segment] : undefined;
    if (!Array.isArray(m)) return out.length > 0 ? out : undefined;
    let index = segment;
    if (field?.name !== '_entities' && item !== undefined) {
      index = m.indexOf(item);
      if (index < 0 && isObj(item) && item[HIDDEN.uid] !== undefined) index = m.findIndex((x) => isObj(x) && x[HIDDEN.uid] === item[HIDDEN.uid]);
      if (index < 0) return out; // the item was cut by `first`: point at the list
    }
    out.push(index);
    o = item;
    m = m[index];
  }
  return out;
}

/** Studies in one region's answer (history entries and single Study lookups), for the audit trail. */
export function countStudies(shape: SelectionShape, data: unknown): number {
  if (Array.isArray(data)) return data.reduce<number>((n, item) => n + countStudies(shape, item), 0);
  if (!isObj(data)) return 0;
  let n = 0;
  for (const field of shape.fields.values()) {
    const value = data[field.key];
    if (value === undefined || value === null || !field.children) continue;
    if (field.typeName === 'Study') n += Array.isArray(value) ? value.filter(isObj).length : 1;
    else n += countStudies(field.children, value);
  }
  return n;
}

/** NHS numbers of the studies in one region's answer (the hidden field on every Study), for the audit trail. */
export function collectNhsNumbers(shape: SelectionShape, data: unknown, into: Set<string>): void {
  if (Array.isArray(data)) {
    for (const item of data) collectNhsNumbers(shape, item, into);
    return;
  }
  if (!isObj(data)) return;
  for (const field of shape.fields.values()) {
    const value = data[field.key];
    if (value === undefined || value === null || !field.children) continue;
    if (field.typeName === 'Study') {
      for (const study of Array.isArray(value) ? value : [value]) {
        const nhs = isObj(study) ? study[HIDDEN.nhs] : undefined;
        if (typeof nhs === 'string') into.add(nhs);
      }
    } else {
      collectNhsNumbers(field.children, value, into);
    }
  }
}

/** Sums buckets with the same key and withholds every count below the threshold. */
function suppressActivity(root: SelectionShape, data: unknown, threshold: number): void {
  forEachHistory(root, data, (field, report) => {
    if (field.typeName !== 'ActivityReport') return;
    for (const child of field.children!.fields.values()) {
      // Never a per-region total next to suppressed buckets: it would give them away.
      if (child.name === 'sources' && Array.isArray(report[child.key])) {
        const countKeys = [...(child.children?.fields.values() ?? [])].filter((f) => f.name === 'studyCount').map((f) => f.key);
        for (const source of (report[child.key] as unknown[]).filter(isObj)) for (const k of countKeys) source[k] = null;
      }
      if (child.name !== 'buckets' || !Array.isArray(report[child.key])) continue;
      const countKeys = [...(child.children?.fields.values() ?? [])].filter((f) => f.name === 'studyCount').map((f) => f.key);
      const suppressedKeys = [...(child.children?.fields.values() ?? [])].filter((f) => f.name === 'suppressed').map((f) => f.key);
      const byKey = new Map<string, Obj>();
      for (const bucket of (report[child.key] as unknown[]).filter(isObj)) {
        const key = String(bucket[HIDDEN.key]);
        const same = byKey.get(key);
        if (same) same[HIDDEN.count] = Number(same[HIDDEN.count] ?? 0) + Number(bucket[HIDDEN.count] ?? 0);
        else byKey.set(key, { ...bucket });
      }
      for (const bucket of byKey.values()) {
        const count = Number(bucket[HIDDEN.count] ?? 0);
        const suppressed = count < threshold;
        for (const k of countKeys) bucket[k] = suppressed ? null : count;
        for (const k of suppressedKeys) bucket[k] = suppressed;
      }
      report[child.key] = [...byKey.values()].sort((a, b) => String(a[HIDDEN.key]).localeCompare(String(b[HIDDEN.key])));
    }
  });
}

function stripHidden(value: unknown): void {
  if (Array.isArray(value)) {
    for (const v of value) stripHidden(v);
    return;
  }
  if (!isObj(value)) return;
  for (const key of Object.keys(value)) {
    if (key.startsWith(HIDDEN_PREFIX)) delete value[key];
    else stripHidden(value[key]);
  }
}

/** Merges the answers of the regions that answered, then records the ones that did not. */
export function mergeRegionAnswers(input: MergeInput): MergeResult {
  const { root, variables, answers, failures } = input;
  for (const answer of answers) stampLatency(root, answer);
  const withData = answers.filter((a) => a.data !== null);
  const merger = new Merger(variables);
  const data = withData.length === 0 ? null : merger.object(root, withData.map((a) => a.data!));

  if (data !== null && failures.length > 0) {
    forEachHistory(root, data, (field, history) => {
      const asked = input.regionsAskedFor?.(field, variables) ?? null;
      const missing = failures.filter((f) => asked === null || asked.has(f.region.code));
      if (missing.length === 0) return;
      for (const child of field.children!.fields.values()) {
        if (child.name === 'complete') history[child.key] = false;
        if (child.name === 'sources') {
          const list = Array.isArray(history[child.key]) ? (history[child.key] as unknown[]) : [];
          history[child.key] = [
            ...list,
            ...missing.map((f) => build(child.children, { region: f.region, status: f.status, latencyMs: f.latencyMs, studyCount: null }, 'HistorySource')),
          ];
        }
      }
    });
  }

  const byKey = new Map<string, { error: GraphQLFormattedError; regions: string[] }>();
  for (const answer of answers) {
    for (const error of answer.errors) {
      const path = error.path && data ? remapPath(error.path, root, answer.data, data) : error.path;
      const key = `${error.message}\u0000${String(error.extensions?.code)}\u0000${JSON.stringify(path ?? null)}`;
      const same = byKey.get(key);
      if (same) same.regions.push(answer.region.code);
      else byKey.set(key, { error: { message: error.message, ...(path ? { path } : {}), extensions: error.extensions ?? {} }, regions: [answer.region.code] });
    }
  }
  // One region's error names it; the same error from several (a bad argument) names them all.
  const errors = [...byKey.values()].map(({ error, regions }) => ({
    ...error,
    extensions: { ...error.extensions, ...(regions.length === 1 ? { region: regions[0] } : { regions }) },
  }));
  suppressActivity(root, data, input.suppressionThreshold);
  stripHidden(data);
  return { data, errors };
}
