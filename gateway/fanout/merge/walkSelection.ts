import { SCOPED_TYPES, type FieldShape, type SelectionShape } from '../prepareFanOutOperation';
import { isObject, type JsonObject } from './isObject';

/**
 * The one walker over answer data: follows the selection `shape` through `data` and calls
 * `visit` with every selected field that has a selection of its own and a non-null value
 * (a list value is passed whole, then walked item by item). Returning false from `visit`
 * stops the walk from descending into that value.
 */
export function walkSelection(shape: SelectionShape, data: unknown, visit: (field: FieldShape, value: unknown) => boolean | void): void {
  if (Array.isArray(data)) {
    for (const item of data) walkSelection(shape, item, visit);
    return;
  }
  if (!isObject(data)) return;
  for (const field of shape.fields.values()) {
    const value = data[field.key];
    if (value === undefined || value === null || !field.children) continue;
    if (visit(field, value) === false) continue;
    walkSelection(field.children, value, visit);
  }
}

/** Calls `visit` on every scoped object (imagingHistory, studyActivity) in `data`, with its field. */
export function forEachScoped(shape: SelectionShape, data: unknown, visit: (field: FieldShape, scoped: JsonObject) => void): void {
  walkSelection(shape, data, (field, value) => {
    if (!SCOPED_TYPES.has(field.typeName) || !isObject(value)) return true;
    visit(field, value);
    return false;
  });
}

/** Response keys (aliases) under which `shape` selects the field `name`. */
export function responseKeys(shape: SelectionShape | null, name: string): string[] {
  return [...(shape?.fields.values() ?? [])].filter((f) => f.name === name).map((f) => f.key);
}
