import type { GraphQLFormattedError } from 'graphql';
import { HIDDEN, type FieldShape, type SelectionShape } from '../prepareFanOutOperation';
import { isObject, type JsonObject } from './isObject';
import type { RegionAnswer } from './RegionAnswer';

type Path = Array<string | number>;

/**
 * The errors regions reported, for the merged answer: each path re-pointed at the merged
 * data (studies move when lists merge), and identical errors from several regions (a bad
 * argument) once, naming every region that gave it.
 */
export function mergeRegionErrors(root: SelectionShape, answers: readonly RegionAnswer[], merged: JsonObject | null): GraphQLFormattedError[] {
  const byKey = new Map<string, { error: GraphQLFormattedError; regions: string[] }>();
  for (const answer of answers) {
    for (const error of answer.errors) {
      const path = error.path && merged ? remapPath(error.path, root, answer.data, merged) : error.path;
      const key = `${error.message}\u0000${String(error.extensions?.code)}\u0000${JSON.stringify(path ?? null)}`;
      const same = byKey.get(key);
      if (same) same.regions.push(answer.region.code);
      else byKey.set(key, { error: { message: error.message, ...(path ? { path } : {}), extensions: error.extensions ?? {} }, regions: [answer.region.code] });
    }
  }
  // One region's error names it; the same error from several names them all.
  return [...byKey.values()].map(({ error, regions }) => ({
    ...error,
    extensions: { ...error.extensions, ...(regions.length === 1 ? { region: regions[0] } : { regions }) },
  }));
}

/** Re-points a region's error path at the merged data, following studies that moved. */
function remapPath(path: ReadonlyArray<string | number>, shape: SelectionShape, original: unknown, merged: unknown): Path | undefined {
  const out: Path = [];
  let field: FieldShape | undefined;
  let currentShape: SelectionShape | null = shape;
  let o: unknown = original;
  let m: unknown = merged;
  for (const segment of path) {
    if (typeof segment === 'string') {
      field = currentShape?.fields.get(segment);
      currentShape = field?.children ?? null;
      o = isObject(o) ? o[segment] : undefined;
      m = isObject(m) ? m[segment] : undefined;
      out.push(segment);
      continue;
    }
    const item = Array.isArray(o) ? o[segment] : undefined;
    if (!Array.isArray(m)) return out.length > 0 ? out : undefined;
    let index = segment;
    if (field?.name !== '_entities' && item !== undefined) {
      index = m.indexOf(item);
      if (index < 0 && isObject(item) && item[HIDDEN.uid] !== undefined) index = m.findIndex((x) => isObject(x) && x[HIDDEN.uid] === item[HIDDEN.uid]);
      if (index < 0) return out; // the item was cut by `first`: point at the list
    }
    out.push(index);
    o = item;
    m = m[index];
  }
  return out;
}
