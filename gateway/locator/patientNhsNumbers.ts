import { valueFromASTUntyped } from 'graphql';
import { parseNhsNumber } from '../../lib/domain/parseNhsNumber';
import type { FieldShape, SelectionShape } from '../fanout/prepareFanOutOperation';

/**
 * The NHS numbers one root field names, in answer order (one per `patient` field, one per
 * representation of `_entities`); null when the field is not about patients only, or a
 * number does not parse. The one reader of a patient fetch's arguments, for routing and for
 * answering without regions alike.
 */
export function patientsOfField(field: FieldShape, variables: Record<string, unknown>): string[] | null {
  const argument = (name: string) => {
    const arg = field.args.find((a) => a.name.value === name);
    return arg ? valueFromASTUntyped(arg.value, variables) : undefined;
  };
  const parse = (value: unknown) => {
    const parsed = parseNhsNumber(value);
    return parsed.ok ? parsed.value : null;
  };
  if (field.name === 'patient') {
    const nhs = parse(argument('nhsNumber'));
    return nhs === null ? null : [nhs];
  }
  if (field.name !== '_entities') return null;
  const representations = argument('representations');
  if (!Array.isArray(representations) || representations.length === 0) return null;
  const numbers: string[] = [];
  for (const rep of representations) {
    if (typeof rep !== 'object' || rep === null || (rep as Record<string, unknown>).__typename !== 'Patient') return null;
    const nhs = parse((rep as Record<string, unknown>).nhsNumber);
    if (nhs === null) return null;
    numbers.push(nhs);
  }
  return numbers;
}

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
    const named = patientsOfField(field, variables);
    if (named === null) return null;
    for (const n of named) numbers.add(n);
  }
  return numbers.size > 0 ? [...numbers] : null;
}
