import { valueFromASTUntyped } from 'graphql';
import { parseNhsNumber } from '../../lib/domain/parseNhsNumber';
import type { SelectionShape } from '../fanout/prepareFanOutOperation';

/**
 * The patients a fetch is about, when it is only about patients: `patient(nhsNumber:)`
 * root fields and `_entities` whose representations are all Patients. Null when anything
 * else is asked (a study by UID, activity), or a number does not parse (the regions then
 * answer the error): such fetches are not routed by the locator.
 */
export function patientNhsNumbers(root: SelectionShape, variables: Record<string, unknown>): string[] | null {
  const numbers = new Set<string>();
  for (const field of root.fields.values()) {
    if (field.name === '__typename') continue;
    if (field.name === 'patient') {
      const arg = field.args.find((a) => a.name.value === 'nhsNumber');
      const parsed = parseNhsNumber(arg ? valueFromASTUntyped(arg.value, variables) : undefined);
      if (!parsed.ok) return null;
      numbers.add(parsed.value);
      continue;
    }
    if (field.name === '_entities') {
      const arg = field.args.find((a) => a.name.value === 'representations');
      const representations = arg ? valueFromASTUntyped(arg.value, variables) : null;
      if (!Array.isArray(representations) || representations.length === 0) return null;
      for (const rep of representations) {
        if (typeof rep !== 'object' || rep === null || (rep as Record<string, unknown>).__typename !== 'Patient') return null;
        const parsed = parseNhsNumber((rep as Record<string, unknown>).nhsNumber);
        if (!parsed.ok) return null;
        numbers.add(parsed.value);
      }
      continue;
    }
    return null;
  }
  return numbers.size > 0 ? [...numbers] : null;
}
