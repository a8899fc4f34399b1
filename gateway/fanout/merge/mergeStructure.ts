import { historyFirst } from '../readHistoryArguments';
import { SCOPED_TYPES, type FieldShape, type SelectionShape } from '../prepareFanOutOperation';
import { mergeScopedField } from './completeness';
import { isObject, type JsonObject } from './isObject';
import { mergeStudyCopies, mergeStudyLists } from './mergeStudyLists';

/**
 * The structural merge of several regions' data for one selection:
 * - `_entities` answers merge position by position (one entity per representation);
 * - objects merge field by field; scalars take the first region's non-null value;
 * - lists concatenate, except a study's own lists (series, modalities), which belong to
 *   one copy of the study;
 * - scoped objects (imagingHistory, studyActivity) hand their studies to the ordering rule
 *   and their other fields to the completeness rule.
 * `objects` are in region order, which breaks every tie.
 */
export function mergeStructure(shape: SelectionShape, objects: readonly JsonObject[], variables: Record<string, unknown>): JsonObject {
  return new StructureMerger(variables).object(shape, objects);
}

class StructureMerger {
  constructor(private readonly variables: Record<string, unknown>) {}

  object(shape: SelectionShape | null, objects: readonly JsonObject[]): JsonObject {
    if (objects.length === 1) return objects[0]!;
    const out: JsonObject = {};
    for (const o of objects) {
      for (const key of Object.keys(o)) {
        if (key in out) continue;
        const field = shape?.fields.get(key);
        const values = objects.map((x) => x[key]);
        out[key] = field ? this.value(field, values) : (values.find((v) => v !== undefined && v !== null) ?? null);
      }
    }
    return out;
  }

  private value(field: FieldShape, values: unknown[]): unknown {
    const present = values.filter((v) => v !== undefined && v !== null);
    if (present.length === 0) return values.find((v) => v !== undefined) ?? null;
    if (present.length === 1 || field.children === null) return present[0];
    if (SCOPED_TYPES.has(field.typeName) && !field.list) return this.scoped(field, present.filter(isObject));
    if (field.list) {
      const lists = present.filter(Array.isArray) as unknown[][];
      if (field.name === '_entities') {
        const length = Math.max(...lists.map((l) => l.length));
        return Array.from({ length }, (_, i) => {
          const items = lists.map((l) => l[i]).filter(isObject);
          return items.length === 0 ? null : this.object(field.children, items);
        });
      }
      if (field.parentType === 'Study') return lists[0]; // a study's own lists belong to one copy
      return lists.flat();
    }
    const objects = present.filter(isObject);
    return field.typeName === 'Study' ? mergeStudyCopies(field.children, objects) : this.object(field.children, objects);
  }

  private scoped(field: FieldShape, scoped: JsonObject[]): JsonObject {
    const out: JsonObject = {};
    for (const child of field.children!.fields.values()) {
      const values = scoped.map((h) => h[child.key]);
      out[child.key] = child.name === 'studies' ? mergeStudyLists(child, values, historyFirst(field, this.variables)) : mergeScopedField(child, values);
    }
    return out;
  }
}
