/**
 * The GraphQL operations the FHIR API runs through the gateway's own Apollo server: the
 * same public contract an EPR would call, so every rule on that path (access, audit,
 * argument checks, limits, routing, fan-out, merge) applies unchanged.
 */

const STUDY_FIELDS = `
  studyInstanceUid accessionNumber studyDate studyTime modalities description
  numberOfStudyRelatedSeries numberOfStudyRelatedInstances status nhsNumber
  performingOrganisation { odsCode name }
  region { code name }
  retrieve { wadoRsUrl }
  series { seriesInstanceUid seriesNumber modality description bodyPartExamined numberOfSeriesRelatedInstances }`;

/** No `first`: the FHIR search counts every match (`total`) and keeps the newest `_count` itself. */
export const SEARCH_BY_PATIENT = `query FhirImagingStudySearch($nhs: String!, $filter: StudyFilter) {
  patient(nhsNumber: $nhs) {
    imagingHistory(filter: $filter) {
      complete
      sources { region { code name } status }
      studies { ${STUDY_FIELDS} }
    }
  }
}`;

/**
 * A patient's own search (NHS login): the same history read through `myImagingHistory`,
 * which takes the NHS number from the verified token, never from a variable.
 */
export const SEARCH_MY_HISTORY = `query FhirMyImagingStudySearch($filter: StudyFilter) {
  myImagingHistory(filter: $filter) {
    complete
    sources { region { code name } status }
    studies { ${STUDY_FIELDS} }
  }
}`;

/** One `study` lookup per UID, aliased s0, s1, ... in one operation (so one audit record). */
export function searchByUids(count: number): string {
  const vars = Array.from({ length: count }, (_, i) => `$u${i}: String!`).join(', ');
  const fields = Array.from({ length: count }, (_, i) => `s${i}: study(studyInstanceUid: $u${i}) { ${STUDY_FIELDS} }`).join('\n  ');
  return `query FhirImagingStudyByUid(${vars}) {\n  ${fields}\n}`;
}

/** `StudyFilter` as the contract defines it. */
export interface StudyFilterVariables {
  modalities?: string[];
  from?: string;
  to?: string;
  includeEnteredInError?: boolean;
  includeNotInArchive?: boolean;
}

export interface GraphQLSeries {
  seriesInstanceUid: string;
  seriesNumber: number | null;
  modality: string | null;
  description: string | null;
  bodyPartExamined: string | null;
  numberOfSeriesRelatedInstances: number | null;
}

export interface GraphQLStudy {
  studyInstanceUid: string;
  accessionNumber: string | null;
  studyDate: string | null;
  studyTime: string | null;
  modalities: string[];
  description: string | null;
  numberOfStudyRelatedSeries: number | null;
  numberOfStudyRelatedInstances: number | null;
  /** AVAILABLE or ENTERED_IN_ERROR today; any other value is mapped to `unknown`. */
  status: string;
  nhsNumber: string;
  performingOrganisation: { odsCode: string; name: string | null } | null;
  region: { code: string; name: string };
  retrieve: { wadoRsUrl: string | null };
  series: GraphQLSeries[];
}

export interface GraphQLSource {
  region: { code: string; name: string };
  status: 'OK' | 'UNAVAILABLE' | 'TIMEOUT';
}

export interface GraphQLHistory {
  complete: boolean;
  sources: GraphQLSource[];
  studies: GraphQLStudy[];
}

export interface SearchByPatientData {
  patient: { imagingHistory: GraphQLHistory } | null;
}

export interface SearchMyHistoryData {
  myImagingHistory: GraphQLHistory | null;
}
