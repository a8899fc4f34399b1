import { ApolloServerErrorCode } from '@apollo/server/errors';

/** Codes of errors that make a whole request unexecutable (no `data`), as opposed to refusals such as 401 or 403. */
const REQUEST_ERROR_CODES: ReadonlySet<string> = new Set([
  ApolloServerErrorCode.GRAPHQL_PARSE_FAILED,
  ApolloServerErrorCode.GRAPHQL_VALIDATION_FAILED,
  ApolloServerErrorCode.OPERATION_RESOLUTION_FAILURE,
  ApolloServerErrorCode.PERSISTED_QUERY_NOT_SUPPORTED,
  ApolloServerErrorCode.PERSISTED_QUERY_NOT_FOUND,
  ApolloServerErrorCode.BAD_USER_INPUT,
]);

/**
 * The HTTP status of an answer per the GraphQL-over-HTTP specification: a request error is
 * a 400 under `application/graphql-response+json` (and `*\/*`, or no Accept), and a 200 with
 * `errors` for a legacy client that accepts only `application/json` (it reads the body, not
 * the status). Refusals (401, 403, 413, 429, 503) keep their status under both. Only 400
 * answers are looked into.
 */
export function requestErrorStatus(status: number, accept: string | undefined, body: string): number {
  if (status !== 400 || !legacyJsonOnly(accept)) return status;
  let parsed: { data?: unknown; errors?: Array<{ extensions?: { code?: unknown } }> };
  try {
    parsed = JSON.parse(body) as typeof parsed;
  } catch {
    return status;
  }
  const errors = parsed.errors ?? [];
  const requestError = parsed.data === undefined && errors.length > 0 && errors.every((e) => REQUEST_ERROR_CODES.has(String(e.extensions?.code)));
  return requestError ? 200 : status;
}

function legacyJsonOnly(accept: string | undefined): boolean {
  if (!accept) return false;
  const types = accept.split(',').map((t) => t.split(';')[0]!.trim().toLowerCase());
  return types.includes('application/json') && !types.includes('application/graphql-response+json') && !types.includes('*/*');
}
