import { fhirFailure, type FhirFailure } from './FhirFailure';
import type { ImagingStudy } from './FhirTypes';
import type { ExecuteGraphQL } from './executeGatewayOperation';
import { failureFromGraphQL } from './failureFromGraphQL';
import { searchByUids, type GraphQLStudy } from './imagingStudyOperations';
import { regionGapIssue, regionGaps } from './regionGaps';
import { decodeStudyId } from './studyResourceId';
import { toImagingStudy } from './toImagingStudy';

export type ReadResult = { kind: 'resource'; resource: ImagingStudy } | { kind: 'failure'; failure: FhirFailure };

/**
 * `GET ImagingStudy/{id}`: the id gives back the UID, which is looked up like any GraphQL
 * `study` query. A read returns the study whatever its status. When the study was not
 * found but some region did not answer, absence cannot be claimed: 503 naming them.
 */
export async function readImagingStudy(execute: ExecuteGraphQL, id: string): Promise<ReadResult> {
  const uid = decodeStudyId(id);
  const notFound = fhirFailure(404, 'not-found', `ImagingStudy/${id.slice(0, 64)} is not known`);
  if (uid === null) return { kind: 'failure', failure: notFound };
  const { data, errors } = await execute<{ s0: GraphQLStudy | null }>(searchByUids(1), { u0: uid });
  const failure = failureFromGraphQL(errors);
  if (failure) return { kind: 'failure', failure };
  const study = data?.s0 ?? null;
  if (study) return { kind: 'resource', resource: toImagingStudy(study) };
  const gaps = regionGaps([], errors);
  if (gaps.length > 0) return { kind: 'failure', failure: { status: 503, issues: gaps.map((g) => regionGapIssue(g, 'error')) } };
  return { kind: 'failure', failure: notFound };
}
