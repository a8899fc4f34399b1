import { fhirFailure, type FhirFailure } from './FhirFailure';
import type { Bundle } from './FhirTypes';
import type { ExecuteGraphQL, GraphQLResult } from './executeGatewayOperation';
import { failureFromGraphQL } from './failureFromGraphQL';
import type { ImagingStudySearch } from './ImagingStudySearch';
import { SEARCH_BY_PATIENT, SEARCH_MY_HISTORY, searchByUids, type GraphQLHistory, type GraphQLStudy, type SearchByPatientData, type SearchMyHistoryData } from './imagingStudyOperations';
import { matchesSearch } from './matchesSearch';
import { regionGapIssue, regionGaps } from './regionGaps';
import { toSearchBundle } from './toSearchBundle';
import { toStudyFilter } from './toStudyFilter';

export type SearchResult = { kind: 'bundle'; bundle: Bundle } | { kind: 'failure'; failure: FhirFailure };

/** A patient's history as GraphQL answered it, whichever operation asked. */
async function readHistory(execute: ExecuteGraphQL, nhsNumber: string, search: ImagingStudySearch, ownNhsNumber: string | null): Promise<{ history: GraphQLHistory | null; errors: GraphQLResult<unknown>['errors'] }> {
  const filter = toStudyFilter(search);
  if (ownNhsNumber !== null && nhsNumber === ownNhsNumber) {
    const { data, errors } = await execute<SearchMyHistoryData>(SEARCH_MY_HISTORY, { filter });
    return { history: data?.myImagingHistory ?? null, errors };
  }
  const { data, errors } = await execute<SearchByPatientData>(SEARCH_BY_PATIENT, { nhs: nhsNumber, filter });
  return { history: data?.patient?.imagingHistory ?? null, errors };
}

/**
 * Runs a checked ImagingStudy search as one GraphQL operation: a patient's history when
 * the search names a patient, else one `study` lookup per named UID. Exact FHIR matching,
 * ordering and `_count` then apply to what GraphQL returned.
 *
 * `ownNhsNumber` is the caller's own NHS number when the caller is a patient (NHS login),
 * else null. A patient's search for that number runs as `myImagingHistory`, which reads the
 * number from the verified token. Any other search by a patient (another number, UIDs) runs
 * as the staff operation, which the access policy refuses and audits as DENIED: refusals
 * come from the one policy, never from a rule here.
 */
export async function searchImagingStudies(execute: ExecuteGraphQL, search: ImagingStudySearch, base: string, ownNhsNumber: string | null = null): Promise<SearchResult> {
  if (search.nhsNumber !== null) {
    const { history, errors } = await readHistory(execute, search.nhsNumber, search, ownNhsNumber);
    const failure = failureFromGraphQL(errors);
    if (failure) return { kind: 'failure', failure };
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
