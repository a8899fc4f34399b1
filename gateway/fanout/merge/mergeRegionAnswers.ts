import type { GraphQLFormattedError } from 'graphql';
import { suppressActivity } from '../../governance/suppressActivity';
import type { SelectionShape } from '../prepareFanOutOperation';
import { recordFailures, stampLatency, type RegionsAskedFor } from './completeness';
import { mergeRegionErrors } from './mergeRegionErrors';
import { mergeStructure } from './mergeStructure';
import type { RegionAnswer, RegionFailure } from './RegionAnswer';
import { stripHidden } from './stripHidden';

/** Input of {@link mergeRegionAnswers}. */
export interface MergeInput {
  root: SelectionShape;
  variables: Record<string, unknown>;
  /** Answers in region order (the registry's), which breaks every tie. */
  answers: RegionAnswer[];
  failures: RegionFailure[];
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
 * Merges the answers of the regions that answered, then records the ones that did not.
 * Each rule lives in its own module: structure (mergeStructure), study order and
 * de-duplication (mergeStudyLists), completeness and sources (completeness), error paths
 * (mergeRegionErrors), and small-number suppression (governance/suppressActivity), which
 * runs last on the merged data so no merge change can skip it.
 */
export function mergeRegionAnswers(input: MergeInput): MergeResult {
  const { root, variables, answers, failures } = input;
  for (const answer of answers) stampLatency(root, answer);
  const withData = answers.filter((a) => a.data !== null);
  const data = withData.length === 0 ? null : mergeStructure(root, withData.map((a) => a.data!), variables);
  if (data !== null) recordFailures(root, data, failures, variables, input.regionsAskedFor);
  const errors = mergeRegionErrors(root, answers, data);
  suppressActivity(root, data, input.suppressionThreshold);
  stripHidden(data);
  return { data, errors };
}
