import { HIDDEN_PREFIX } from '../prepareFanOutOperation';
import { isObject } from './isObject';

/** Removes the fields the gateway added for merging, so clients see only what they asked for. */
export function stripHidden(value: unknown): void {
  if (Array.isArray(value)) {
    for (const v of value) stripHidden(v);
    return;
  }
  if (!isObject(value)) return;
  for (const key of Object.keys(value)) {
    if (key.startsWith(HIDDEN_PREFIX)) delete value[key];
    else stripHidden(value[key]);
  }
}
