import { compareStudyOrder } from '../../../lib/domain/studyOrder';
import { HIDDEN, type FieldShape, type SelectionShape } from '../prepareFanOutOperation';
import { isObject, type JsonObject } from './isObject';

/**
 * Ordering and de-duplication of a history's studies across regions: newest first over the
 * combined list (each region sends its own top N, `first` keeps the overall top N), and a
 * StudyInstanceUID reported by several regions appears once, with every region's
 * `locations`. Ties keep region order, so answers are deterministic.
 */
export function mergeStudyLists(studies: FieldShape, lists: readonly unknown[], first: number | null): JsonObject[] {
  const all = lists.flatMap((v) => (Array.isArray(v) ? v.filter(isObject) : []));
  all.sort((a, b) => compareStudyOrder(orderKey(a), orderKey(b)));
  const byUid = new Map<string, JsonObject[]>();
  for (const study of all) {
    const uid = String(study[HIDDEN.uid]);
    const copies = byUid.get(uid);
    if (copies) copies.push(study);
    else byUid.set(uid, [study]);
  }
  const kept = [...byUid.values()];
  return (first === null ? kept : kept.slice(0, first)).map((copies) => mergeStudyCopies(studies.children, copies));
}

/** Copies of one study from several regions: the first copy, with every region's locations. */
export function mergeStudyCopies(shape: SelectionShape | null, copies: readonly JsonObject[]): JsonObject {
  const first = copies[0]!;
  if (copies.length === 1 || !shape) return first;
  const merged: JsonObject = { ...first };
  for (const field of shape.fields.values()) {
    if (field.name !== 'locations') continue;
    merged[field.key] = copies.flatMap((c) => (Array.isArray(c[field.key]) ? (c[field.key] as unknown[]) : []));
  }
  return merged;
}

function orderKey(study: JsonObject) {
  return {
    date: (study[HIDDEN.date] as string | null | undefined) ?? null,
    time: (study[HIDDEN.time] as string | null | undefined) ?? null,
    uid: String(study[HIDDEN.uid] ?? ''),
  };
}
