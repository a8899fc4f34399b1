import type { GraphQLFormattedError } from 'graphql';
import { suppressActivity } from '../../governance/suppressActivity';
import type { SelectionShape } from '../prepareFanOutOperation';
import { stampCompleteness, type AskedRegion, type RegionsAskedFor } from './completeness';
import { mergeRegionErrors } from './mergeRegionErrors';
import { mergeStructure } from './mergeStructure';
import type { RegionOutcome } from './RegionAnswer';
import { countRegionStudies, stampRegionIdentity } from './regionIdentity';
import { stripHidden } from './stripHidden';

/** Input of {@link mergeRegionAnswers}. */
export interface MergeInput {
  root: SelectionShape;
  variables: Record<string, unknown>;
  /** Every region asked, in region order (the registry's), which breaks every tie. */
  outcomes: readonly RegionOutcome[];
  /** Regions in scope that the patient locator ruled out (not asked). */
  skipped: readonly string[];
  /** Counts below this are never shown exactly. */
  suppressionThreshold: number;
  /** Which regions each scoped field was asked of (the fan-out's routing). */
  regionsAskedFor: RegionsAskedFor;
}

export interface MergeResult {
  data: Record<string, unknown> | null;
  errors: GraphQLFormattedError[];
}

/**
 * Merges the answers of the regions that answered, then says who was asked and who failed.
 * Each rule lives in its own module: region identity (regionIdentity), structure
 * (mergeStructure), study order and de-duplication (mergeStudyLists), completeness, sources
 * and coverage (completeness), error paths (mergeRegionErrors), and small-number suppression
 * (governance/suppressActivity), which runs last on the merged data so no merge change can
 * skip it.
 */
export function mergeRegionAnswers(input: MergeInput): MergeResult {
  const { root, variables, outcomes } = input;
  const answers = outcomes.flatMap((o) => (o.kind === 'answer' ? [o.answer] : []));
  const asked: AskedRegion[] = outcomes.map((o) => {
    if (o.kind === 'failure') return { region: o.failure.region, status: o.failure.status, latencyMs: o.failure.latencyMs, counts: null };
    stampRegionIdentity(root, o.answer.data, o.answer.region);
    return { region: o.answer.region, status: 'OK', latencyMs: o.answer.latencyMs, counts: countRegionStudies(root, o.answer.data) };
  });
  const withData = answers.filter((a) => a.data !== null);
  const data = withData.length === 0 ? null : mergeStructure(root, withData.map((a) => a.data!), variables);
  stampCompleteness(root, data, variables, { asked, skipped: input.skipped }, input.regionsAskedFor);
  const errors = mergeRegionErrors(root, answers, data);
  suppressActivity(root, data, input.suppressionThreshold);
  stripHidden(data);
  return { data, errors };
}
