import { HIDDEN, type SelectionShape } from '../fanout/prepareFanOutOperation';
import { isObject } from '../fanout/merge/isObject';
import { walkSelection } from '../fanout/merge/walkSelection';

/** Studies in one region's answer (history entries and single Study lookups), for the audit trail. */
export function countStudies(shape: SelectionShape, data: unknown): number {
  let n = 0;
  walkSelection(shape, data, (field, value) => {
    if (field.typeName !== 'Study') return true;
    n += Array.isArray(value) ? value.filter(isObject).length : 1;
    return false;
  });
  return n;
}

/** NHS numbers of the studies in one region's answer (the hidden field on every Study), for the audit trail. */
export function collectNhsNumbers(shape: SelectionShape, data: unknown, into: Set<string>): void {
  walkSelection(shape, data, (field, value) => {
    if (field.typeName !== 'Study') return true;
    for (const study of Array.isArray(value) ? value : [value]) {
      const nhs = isObject(study) ? study[HIDDEN.nhs] : undefined;
      if (typeof nhs === 'string') into.add(nhs);
    }
    return false;
  });
}
