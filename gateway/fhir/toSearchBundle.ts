import { compareStudyOrder, type StudyOrderKey } from '../../lib/domain/studyOrder';
import { operationOutcome } from './FhirFailure';
import type { Bundle, BundleEntry } from './FhirTypes';
import type { ImagingStudySearch } from './ImagingStudySearch';
import type { GraphQLStudy } from './imagingStudyOperations';
import { regionGapIssue, type RegionGap } from './regionGaps';
import { toImagingStudy } from './toImagingStudy';

const orderKey = (s: GraphQLStudy): StudyOrderKey => ({ date: s.studyDate, time: s.studyTime, uid: s.studyInstanceUid });

export interface SearchBundleInput {
  /** The FHIR base, e.g. https://gateway.example/fhir. */
  base: string;
  search: ImagingStudySearch;
  /** Every match, in any order. */
  matches: readonly GraphQLStudy[];
  gaps: readonly RegionGap[];
}

/**
 * The searchset Bundle: the newest `_count` matches, `total` counting all of them, then
 * outcome entries: one per region that did not answer, one when the result was truncated,
 * one listing parameters ignored under lenient handling.
 */
export function toSearchBundle({ base, search, matches, gaps }: SearchBundleInput): Bundle {
  // The one study order (the GraphQL history's): UID lookups arrive in request order.
  const sorted = [...matches].sort((a, b) => compareStudyOrder(orderKey(a), orderKey(b)));
  const kept = sorted.slice(0, search.count);
  const entries: BundleEntry[] = kept.map((study) => {
    const resource = toImagingStudy(study);
    return { fullUrl: `${base}/ImagingStudy/${resource.id}`, resource, search: { mode: 'match' } };
  });
  const outcome = (resource: BundleEntry['resource']): BundleEntry => ({ resource, search: { mode: 'outcome' } });
  for (const gap of gaps) entries.push(outcome(operationOutcome([regionGapIssue(gap)])));
  if (kept.length < sorted.length) {
    entries.push(
      outcome(
        operationOutcome([
          {
            severity: 'information',
            code: 'informational',
            diagnostics: `Result truncated: the newest ${kept.length} of ${sorted.length} matching studies are returned (_count, at most 1000)`,
          },
        ]),
      ),
    );
  }
  if (search.ignored.length > 0) {
    entries.push(outcome(operationOutcome([{ severity: 'warning', code: 'not-supported', diagnostics: `Parameters ignored: ${[...new Set(search.ignored)].join(', ')}` }])));
  }
  const query = new URLSearchParams(search.used).toString();
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    timestamp: new Date().toISOString(),
    total: sorted.length,
    link: [{ relation: 'self', url: `${base}/ImagingStudy${query ? `?${query}` : ''}` }],
    entry: entries,
  };
}
