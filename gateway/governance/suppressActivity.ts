import { HIDDEN, type SelectionShape } from '../fanout/prepareFanOutOperation';
import { isObject, type JsonObject } from '../fanout/merge/isObject';
import { forEachScoped, responseKeys } from '../fanout/merge/walkSelection';

/**
 * Small-number suppression for analysts' statistics (disclosure control): buckets with the
 * same key are summed across regions first, then every count below `threshold` is
 * withheld (`studyCount: null, suppressed: true`), even when only one region answered.
 * Per-region totals in `sources` are withheld too: next to suppressed buckets they would
 * give them away. Runs on the merged data, after every other merge rule.
 */
export function suppressActivity(root: SelectionShape, data: unknown, threshold: number): void {
  forEachScoped(root, data, (field, report) => {
    if (field.typeName !== 'ActivityReport') return;
    for (const child of field.children!.fields.values()) {
      const list = report[child.key];
      if (!Array.isArray(list)) continue;
      if (child.name === 'sources') {
        const countKeys = responseKeys(child.children, 'studyCount');
        for (const source of list.filter(isObject)) for (const k of countKeys) source[k] = null;
      }
      if (child.name === 'buckets') report[child.key] = suppressBuckets(list.filter(isObject), child.children, threshold);
    }
  });
}

function suppressBuckets(buckets: JsonObject[], shape: SelectionShape | null, threshold: number): JsonObject[] {
  const countKeys = responseKeys(shape, 'studyCount');
  const suppressedKeys = responseKeys(shape, 'suppressed');
  const byKey = new Map<string, JsonObject>();
  for (const bucket of buckets) {
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
  return [...byKey.values()].sort((a, b) => String(a[HIDDEN.key]).localeCompare(String(b[HIDDEN.key])));
}
