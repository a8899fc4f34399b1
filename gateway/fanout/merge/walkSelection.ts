import { SCOPED_TYPES, type FieldShape, type SelectionShape } from '../prepareFanOutOperation';
import { isObject, type JsonObject } from './isObject';

/**
 * The one walker over answer data: follows the selection `shape` through `data` and calls
 * `visit` with every selected field that has a selection of its own and a non-null value
 * (a list value is passed whole, then walked item by item), and the value's path: response
 * keys joined by `/`, list positions by `.`. Paths name the same object in every region's
 * answer and in the merged answer (objects merge by key, `_entities` by position), which
 * is what lets the gateway carry a per-region figure across the merge. Returning false from
 * `visit` stops the walk from descending into that value.
 */
export function walkSelection(shape: SelectionShape, data: unknown, visit: (field: FieldShape, value: unknown, path: string) => boolean | void, path = ''): void {
  if (Array.isArray(data)) {
    data.forEach((item, i) => walkSelection(shape, item, visit, `${path}.${i}`));
    return;
  }
  if (!isObject(data)) return;
  for (const field of shape.fields.values()) {
    const value = data[field.key];
    if (value === undefined || value === null || !field.children) continue;
    const here = `${path}/${field.key}`;
    if (visit(field, value, here) === false) continue;
    walkSelection(field.children, value, visit, here);
  }
}

/** Calls `visit` on every scoped object (imagingHistory, studyActivity) in `data`, with its field and path. */
export function forEachScoped(shape: SelectionShape, data: unknown, visit: (field: FieldShape, scoped: JsonObject, path: string) => void): void {
  walkSelection(shape, data, (field, value, path) => {
    if (!SCOPED_TYPES.has(field.typeName) || !isObject(value)) return true;
    visit(field, value, path);
    return false;
  });
}

/** Calls `visit` on every Study object in `data`, with the study's selection. */
export function forEachStudy(shape: SelectionShape, data: unknown, visit: (shape: SelectionShape, study: JsonObject) => void): void {
  walkSelection(shape, data, (field, value) => {
    if (field.typeName !== 'Study') return true;
    for (const study of Array.isArray(value) ? value : [value]) if (isObject(study)) visit(field.children!, study);
    return false;
  });
}

/** Response keys (aliases) under which `shape` selects the field `name`. */
export function responseKeys(shape: SelectionShape | null, name: string): string[] {
  return [...(shape?.fields.values() ?? [])].filter((f) => f.name === name).map((f) => f.key);
}
