import { HIDDEN_PREFIX, type SelectionShape } from '../fanout/prepareFanOutOperation';
import { patientsOfField } from './patientNhsNumbers';

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
    } else {
      // Only called for fetches patientNhsNumbers routed, so every number here parses.
      const patients = (patientsOfField(field, variables) ?? []).map((nhs) => emptyPatient(field.children, nhs));
      data[field.key] = field.name === '_entities' ? patients : (patients[0] ?? null);
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
