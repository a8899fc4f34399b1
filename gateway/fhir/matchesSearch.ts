import type { IdentifierCriterion, ImagingStudySearch } from './ImagingStudySearch';
import type { GraphQLStudy } from './imagingStudyOperations';
import { studySpan } from './londonTime';
import { matchesStarted } from './parseStartedParam';
import { fhirStudyStatus } from './toImagingStudy';

/**
 * Whether a study the GraphQL operation returned matches every criterion of the search.
 * The operation's filter already narrowed by whole days and modalities; this applies the
 * exact rules: instants for `started`, identifiers, status.
 */
export function matchesSearch(study: GraphQLStudy, search: ImagingStudySearch): boolean {
  if (!search.statuses.has(fhirStudyStatus(study.status))) return false;
  if (!search.modalities.every((anyOf) => anyOf.some((m) => study.modalities.includes(m)))) return false;
  const matchesIdentifier = (c: IdentifierCriterion): boolean =>
    c.kind === 'uid' ? c.uid === study.studyInstanceUid : c.value === study.accessionNumber || c.value === `urn:oid:${study.studyInstanceUid}`;
  if (!search.identifiers.every((anyOf) => anyOf.some(matchesIdentifier))) return false;
  if (search.started.length > 0) {
    // An undated study cannot be placed in time, so no date criterion admits it.
    if (!study.studyDate) return false;
    const span = studySpan(study.studyDate, study.studyTime);
    if (!search.started.every((c) => matchesStarted(c, span))) return false;
  }
  return true;
}
