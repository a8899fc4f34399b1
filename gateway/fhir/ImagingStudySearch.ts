import type { ImagingStudyStatus } from './FhirTypes';
import type { StartedCriterion } from './parseStartedParam';

/** One value of the `identifier` parameter: a StudyInstanceUID, or any identifier's value (accession number). */
export type IdentifierCriterion = { kind: 'uid'; uid: string } | { kind: 'value'; value: string };

/**
 * A checked ImagingStudy search. Repeated parameters are ANDed and the values of one
 * parameter (comma-separated) are ORed, as in FHIR: so each criterion is a list of lists.
 */
export interface ImagingStudySearch {
  /** As given (the GraphQL operation validates it, so its errors read the same as GraphQL's). */
  nhsNumber: string | null;
  /** StudyInstanceUIDs named by an identifier parameter listing UIDs only; null when none does. */
  studyUids: string[] | null;
  identifiers: IdentifierCriterion[][];
  modalities: string[][];
  started: StartedCriterion[];
  /** Statuses to return; `available` only unless the search asks. */
  statuses: ReadonlySet<ImagingStudyStatus>;
  /** How many matches to return, newest first. */
  count: number;
  /** The parameters used, for the Bundle's self link. */
  used: Array<[string, string]>;
  /** Names of parameters ignored under `Prefer: handling=lenient`. */
  ignored: string[];
}
