import { valueFromASTUntyped } from 'graphql';
import type { FieldShape } from './prepareFanOutOperation';
import { isObject } from './merge/isObject';

/** `first` of an imagingHistory field, literal or variable. */
export function historyFirst(field: FieldShape, variables: Record<string, unknown>): number | null {
  const arg = field.args.find((a) => a.name.value === 'first');
  if (!arg) return null;
  const value = valueFromASTUntyped(arg.value, variables);
  return typeof value === 'number' ? value : null;
}

/** `filter.regions` of an imagingHistory or studyActivity field, literal or variable; null when absent. */
export function historyRegions(field: FieldShape, variables: Record<string, unknown>): string[] | null {
  const arg = field.args.find((a) => a.name.value === 'filter');
  if (!arg) return null;
  const filter = valueFromASTUntyped(arg.value, variables);
  if (!isObject(filter) || !Array.isArray(filter.regions)) return null;
  return filter.regions.filter((r): r is string => typeof r === 'string').map((r) => r.trim().toUpperCase());
}
