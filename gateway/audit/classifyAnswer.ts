import type { FormattedExecutionResult } from 'graphql';

/** How one GraphQL answer went, the same for the audit trail and for metrics. */
export type AnswerClass = 'ok' | 'partial' | 'error';

/**
 * `error` when no root field has data (every region failed, a refusal, a withheld answer),
 * `partial` when there is data and errors, `ok` otherwise. One rule, so that metrics and
 * the audit trail can never disagree about the same answer.
 */
export function classifyAnswer(body: FormattedExecutionResult | null, hasErrors: boolean): AnswerClass {
  const data = body?.data;
  if (!data || Object.values(data).every((v) => v === null)) return hasErrors || !data ? 'error' : 'ok';
  return hasErrors ? 'partial' : 'ok';
}
