import { fhirFailure, type FhirFailure } from './FhirFailure';
import type { Bundle } from './FhirTypes';
import type { ExecuteGraphQL } from './executeGatewayOperation';
import { failureFromGraphQL } from './failureFromGraphQL';
import type { ImagingStudySearch } from './ImagingStudySearch';
import { SEARCH_BY_PATIENT, searchByUids, type GraphQLStudy, type SearchByPatientData } from './imagingStudyOperations';
import { matchesSearch } from './matchesSearch';
import { regionGapIssue, regionGaps } from './regionGaps';
import { toSearchBundle } from './toSearchBundle';
import { toStudyFilter } from './toStudyFilter';

export type SearchResult = { kind: 'bundle'; bundle: Bundle } | { kind: 'failure'; failure: FhirFailure };

/**
 * Runs a checked ImagingStudy search as one GraphQL operation: a patient's history when
 * the search names a patient, else one `study` lookup per named UID. Exact FHIR matching,
 * ordering and `_count` then apply to what GraphQL returned.
 */
export async function searchImagingStudies(execute: ExecuteGraphQL, search: ImagingStudySearch, base: string): Promise<SearchResult> {
  if (search.nhsNumber !== null) {
    const { data, errors } = await execute<SearchByPatientData>(SEARCH_BY_PATIENT, { nhs: search.nhsNumber, filter: toStudyFilter(search) });
    const failure = failureFromGraphQL(errors);
    if (failure) return { kind: 'failure', failure };
    const history = data?.patient?.imagingHistory;
    if (!history) {
      // Every region failed: an empty Bundle would read as "no studies", so say it plainly.
      const gaps = regionGaps([], errors);
      if (gaps.length === 0) return { kind: 'failure', failure: fhirFailure(500, 'exception', 'The gateway returned no history') };
      return { kind: 'failure', failure: { status: 503, issues: gaps.map((g) => regionGapIssue(g, 'error')) } };
    }
    const matches = history.studies.filter((s) => matchesSearch(s, search));
    return { kind: 'bundle', bundle: toSearchBundle({ base, search, matches, gaps: regionGaps(history.sources, errors) }) };
  }
  const uids = search.studyUids ?? [];
  const variables = Object.fromEntries(uids.map((uid, i) => [`u${i}`, uid]));
  const { data, errors } = await execute<Record<string, GraphQLStudy | null>>(searchByUids(uids.length), variables);
  const failure = failureFromGraphQL(errors);
  if (failure) return { kind: 'failure', failure };
  const found = Object.values(data ?? {}).filter((s): s is GraphQLStudy => s !== null);
  const matches = found.filter((s) => matchesSearch(s, search));
  return { kind: 'bundle', bundle: toSearchBundle({ base, search, matches, gaps: regionGaps([], errors) }) };
}
