import { SCOPED_TYPES, type FieldShape, type SelectionShape } from './prepareFanOutOperation';

type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Calls `visit` on every object of a summarising type (ImagingHistory, ActivityReport) in
 * `data`, with its field shape and a path that names the same object in every region's
 * answer and in the merged answer (object keys, and list positions: `_entities` merge
 * position by position).
 */
export function forEachScoped(shape: SelectionShape, data: unknown, visit: (path: string, field: FieldShape, value: Obj) => void, path = ''): void {
  if (Array.isArray(data)) {
    data.forEach((item, i) => forEachScoped(shape, item, visit, `${path}.${i}`));
    return;
  }
  if (!isObj(data)) return;
  for (const field of shape.fields.values()) {
    const value = data[field.key];
    if (value === undefined || value === null || !field.children) continue;
    const here = `${path}/${field.key}`;
    if (SCOPED_TYPES.has(field.typeName) && isObj(value)) visit(here, field, value);
    else forEachScoped(field.children, value, visit, here);
  }
}

/** Calls `visit` on every Study object in `data`, with the study's selection. */
export function forEachStudy(shape: SelectionShape, data: unknown, visit: (shape: SelectionShape, study: Obj) => void): void {
  if (Array.isArray(data)) {
    for (const item of data) forEachStudy(shape, item, visit);
    return;
  }
  if (!isObj(data)) return;
  for (const field of shape.fields.values()) {
    const value = data[field.key];
    if (value === undefined || value === null || !field.children) continue;
    if (field.typeName === 'Study') {
      for (const study of Array.isArray(value) ? value : [value]) if (isObj(study)) visit(field.children, study);
    } else {
      forEachStudy(field.children, value, visit);
    }
  }
}
