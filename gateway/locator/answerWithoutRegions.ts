import { valueFromASTUntyped } from 'graphql';
import { parseNhsNumber } from '../../lib/domain/parseNhsNumber';
import { HIDDEN_PREFIX, type SelectionShape } from '../fanout/prepareFanOutOperation';

/**
 * The answer to a patient fetch that no region needs to be asked (every fresh summary rules
 * the patients out): each patient, in the order the answer must follow (one per `patient`
 * field or representation), with an empty history.
 */
export function answerWithoutRegions(root: SelectionShape, variables: Record<string, unknown>): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const field of root.fields.values()) {
    if (field.name === '__typename') {
      data[field.key] = 'Query';
    } else if (field.name === 'patient') {
      const arg = field.args.find((a) => a.name.value === 'nhsNumber');
      const parsed = parseNhsNumber(arg ? valueFromASTUntyped(arg.value, variables) : undefined);
      data[field.key] = parsed.ok ? emptyPatient(field.children, parsed.value) : null;
    } else if (field.name === '_entities') {
      const arg = field.args.find((a) => a.name.value === 'representations');
      const representations = (arg ? valueFromASTUntyped(arg.value, variables) : []) as Array<Record<string, unknown>>;
      data[field.key] = representations.map((rep) => {
        const parsed = parseNhsNumber(rep.nhsNumber);
        return parsed.ok ? emptyPatient(field.children, parsed.value) : null;
      });
    }
  }
  return data;
}

/**
 * A patient no region was asked about, because every fresh summary rules them out: an
 * empty history. complete, sources and coverage are written afterwards like any other's.
 */
function emptyPatient(shape: SelectionShape | null, nhsNumber: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of shape?.fields.values() ?? []) {
    if (f.name === '__typename') out[f.key] = 'Patient';
    else if (f.name === 'nhsNumber') out[f.key] = nhsNumber;
    else if (f.name === 'imagingHistory') {
      const history: Record<string, unknown> = {};
      for (const h of f.children?.fields.values() ?? []) {
        if (h.name === '__typename') history[h.key] = 'ImagingHistory';
        else if (h.list && !h.key.startsWith(HIDDEN_PREFIX)) history[h.key] = [];
      }
      out[f.key] = history;
    }
  }
  return out;
}
