import { fhirFailure, type FhirFailure } from './FhirFailure';
import { FhirSystem } from './fhirSystems';
import type { ImagingStudyStatus } from './FhirTypes';
import type { IdentifierCriterion, ImagingStudySearch } from './ImagingStudySearch';
import { parseStartedParam } from './parseStartedParam';

export const DEFAULT_COUNT = 100;
export const MAX_COUNT = 1000;
/** StudyInstanceUIDs one search without a patient may name (each is one lookup). */
export const MAX_UIDS = 10;

const PATIENT_PARAMS = new Set(['patient:identifier', 'patient.identifier', 'subject:identifier']);
const STATUSES: ReadonlySet<string> = new Set<ImagingStudyStatus>(['registered', 'available', 'cancelled', 'entered-in-error', 'unknown']);
const JSON_FORMATS = new Set(['json', 'application/json', 'application/fhir+json']);

export type ParsedSearch = { ok: true; search: ImagingStudySearch } | { ok: false; failure: FhirFailure };

const invalid = (message: string): ParsedSearch => ({ ok: false, failure: fhirFailure(400, 'invalid', message) });

/** `a,b\,c` -> ['a', 'b,c']: FHIR separates OR-ed values with commas, `\,` escapes one. */
function splitValues(raw: string): string[] {
  return raw.split(/(?<!\\),/).map((v) => v.replace(/\\,/g, ',').trim()).filter((v) => v !== '');
}

/** `system|code` -> [system, code]; no bar -> [null, code]. */
function splitToken(token: string): [string | null, string] {
  const bar = token.indexOf('|');
  return bar < 0 ? [null, token] : [token.slice(0, bar), token.slice(bar + 1)];
}

function parseIdentifier(token: string): IdentifierCriterion | string {
  const [system, value] = splitToken(token);
  if (system === FhirSystem.DICOM_UID || (system === null && value.startsWith('urn:oid:'))) {
    if (!value.startsWith('urn:oid:')) return `identifier: a ${FhirSystem.DICOM_UID} value is written urn:oid:<StudyInstanceUID>`;
    return { kind: 'uid', uid: value.slice('urn:oid:'.length) };
  }
  if (system === null || system === '') return { kind: 'value', value };
  return `identifier: system "${system.slice(0, 60)}" is not supported (use ${FhirSystem.DICOM_UID}, or no system for an accession number)`;
}

/**
 * Checks the parameters of an ImagingStudy search (query string and form body alike).
 * Unknown or unsupported parameters are refused, or ignored and listed under
 * `Prefer: handling=lenient`; malformed values are always refused. A search that names
 * neither a patient nor a StudyInstanceUID is refused: it would search the population.
 */
export function parseImagingStudySearch(params: ReadonlyArray<[string, string]>, lenient: boolean): ParsedSearch {
  let nhsNumber: string | null = null;
  const identifiers: IdentifierCriterion[][] = [];
  const modalities: string[][] = [];
  const started: ImagingStudySearch['started'] = [];
  let statuses = null as Set<ImagingStudyStatus> | null;
  let count = DEFAULT_COUNT;
  const used: Array<[string, string]> = [];
  const ignored: string[] = [];
  const unsupported = (name: string, why: string): ParsedSearch | null => {
    if (lenient) {
      ignored.push(name);
      return null;
    }
    return { ok: false, failure: fhirFailure(400, 'not-supported', `${why}; send Prefer: handling=lenient to have it ignored`) };
  };

  for (const [name, raw] of params) {
    const values = splitValues(raw);
    if (PATIENT_PARAMS.has(name)) {
      if (values.length !== 1) return invalid(`${name}: name exactly one patient`);
      const [system, value] = splitToken(values[0]!);
      if (system !== null && system !== FhirSystem.NHS_NUMBER) return invalid(`${name}: only NHS numbers (${FhirSystem.NHS_NUMBER}) identify patients here`);
      if (nhsNumber !== null && nhsNumber !== value) return invalid('a search may name only one patient');
      nhsNumber = value;
    } else if (name === 'identifier') {
      const parsed = values.map(parseIdentifier);
      const problem = parsed.find((p): p is string => typeof p === 'string');
      if (problem) return invalid(problem);
      if (parsed.length === 0) return invalid('identifier: no value given');
      identifiers.push(parsed as IdentifierCriterion[]);
    } else if (name === 'modality') {
      const codes: string[] = [];
      for (const token of values) {
        const [system, code] = splitToken(token);
        if (system !== null && system !== '' && system !== FhirSystem.DICOM_CODES) return invalid(`modality: only DICOM codes (${FhirSystem.DICOM_CODES}) are supported`);
        if (!/^[A-Za-z0-9_]{1,16}$/.test(code)) return invalid(`modality: "${code.slice(0, 20)}" is not a DICOM modality code`);
        codes.push(code.toUpperCase());
      }
      if (codes.length === 0) return invalid('modality: no value given');
      modalities.push(codes);
    } else if (name === 'started') {
      const parsed = parseStartedParam(raw);
      if (!parsed.ok) {
        if (!parsed.unsupported) return invalid(parsed.reason);
        const refusal = unsupported(name, parsed.reason);
        if (refusal) return refusal;
        continue;
      }
      started.push(parsed.value);
    } else if (name === 'status') {
      const wrong = values.find((v) => !STATUSES.has(v));
      if (wrong !== undefined || values.length === 0) return invalid(`status: "${(wrong ?? '').slice(0, 30)}" is not an ImagingStudy status`);
      const asked = new Set(values as ImagingStudyStatus[]);
      statuses = statuses ? new Set([...statuses].filter((s) => asked.has(s))) : asked;
    } else if (name === '_count') {
      if (!/^\d{1,9}$/.test(raw.trim())) return invalid('_count must be a whole number');
      // FHIR lets a server return fewer than asked; the Bundle then says it is truncated.
      count = Math.min(Number(raw), MAX_COUNT);
    } else if (name === '_sort') {
      if (raw.trim() !== '-started') {
        const refusal = unsupported(name, '_sort: only -started (newest first, the default) is supported');
        if (refusal) return refusal;
        continue;
      }
    } else if (name === '_format') {
      if (!JSON_FORMATS.has(raw.split(';')[0]!.trim())) return { ok: false, failure: fhirFailure(406, 'not-supported', '_format: only JSON is served') };
    } else {
      // Names only: a parameter's value may identify a patient.
      const refusal = unsupported(name, `parameter "${name.slice(0, 60)}" is not supported for ImagingStudy`);
      if (refusal) return refusal;
      continue;
    }
    used.push([name, raw]);
  }

  const uidLists = identifiers.filter((list) => list.every((c) => c.kind === 'uid'));
  const studyUids = uidLists.length === 0 ? null : [...new Set(uidLists[0]!.map((c) => (c as { uid: string }).uid))];
  if (nhsNumber === null && studyUids === null) {
    return {
      ok: false,
      failure: fhirFailure(
        400,
        'business-rule',
        `A search must name a patient (patient:identifier=${FhirSystem.NHS_NUMBER}|<NHS number>) or a study (identifier=${FhirSystem.DICOM_UID}|urn:oid:<StudyInstanceUID>): searches across the population are refused`,
      ),
    };
  }
  if (nhsNumber === null && studyUids !== null && studyUids.length > MAX_UIDS) return invalid(`identifier: at most ${MAX_UIDS} StudyInstanceUIDs per search`);
  return {
    ok: true,
    search: { nhsNumber, studyUids, identifiers, modalities, started, statuses: statuses ?? new Set(['available']), count, used, ignored },
  };
}
