import { ApolloServerErrorCode } from '@apollo/server/errors';
import type { GraphQLError, GraphQLFormattedError } from 'graphql';
import { codesOf, makeCodeDefinition } from '../lib/errors/ErrorCodeDefinition';
import { HTTP_ERRORS } from '../lib/http/httpErrors';

/**
 * Every error code the national gateway produces, defined once. Clients branch on
 * `extensions.code`, never on message text. The README's table is generated from this
 * (`npm run docs:errors`) and a unit test keeps the two equal.
 */
export const GATEWAY_ERRORS = {
  BAD_USER_INPUT: makeCodeDefinition(
    ApolloServerErrorCode.BAD_USER_INPUT,
    400,
    'An argument is wrong; the message says what (length, characters, check digit, date, modality, unknown region).',
  ),
  GRAPHQL_PARSE_FAILED: makeCodeDefinition(
    ApolloServerErrorCode.GRAPHQL_PARSE_FAILED,
    400,
    'The query is not valid GraphQL syntax, or has more tokens than `MAX_TOKENS`. 400 under `Accept: application/graphql-response+json`, 200 with `errors` under `application/json`.',
  ),
  GRAPHQL_VALIDATION_FAILED: makeCodeDefinition(
    ApolloServerErrorCode.GRAPHQL_VALIDATION_FAILED,
    400,
    'The query does not fit the schema or breaks a limit (depth, cost, aliases, directives); no suggestions of names are given. Statuses as for `GRAPHQL_PARSE_FAILED`.',
  ),
  OPERATION_RESOLUTION_FAILURE: makeCodeDefinition(
    ApolloServerErrorCode.OPERATION_RESOLUTION_FAILURE,
    400,
    'No operation to run: `operationName` is missing (several operations), empty or unknown, or names a subscription (not served). Statuses as for `GRAPHQL_PARSE_FAILED`.',
  ),
  PERSISTED_QUERY_NOT_SUPPORTED: makeCodeDefinition(
    ApolloServerErrorCode.PERSISTED_QUERY_NOT_SUPPORTED,
    400,
    'Automatic persisted queries are off (a shared cache would tell one user what another asked); send the query text.',
  ),
  REGION_UNAVAILABLE: makeCodeDefinition('REGION_UNAVAILABLE', 200, 'One region could not answer (error, refused connection, open circuit); `extensions.region` names it and the data holds the rest.'),
  REGION_TIMEOUT: makeCodeDefinition('REGION_TIMEOUT', 200, 'One region did not answer within its time budget; `extensions.region` names it and the data holds the rest.'),
  NO_REGIONS: makeCodeDefinition('NO_REGIONS', 200, 'No region is registered, so there is nobody to ask.'),
  REGISTRATION_REFUSED: makeCodeDefinition('REGISTRATION_REFUSED', 200, 'A region was not registered; `extensions.reasons` lists every reason.'),
  UNAUTHENTICATED: makeCodeDefinition('UNAUTHENTICATED', 401, 'No bearer token, or one that does not verify; refused before the query is parsed.'),
  FORBIDDEN: makeCodeDefinition('FORBIDDEN', 403, 'The caller may not read a field (`extensions.field`) or change a registration; no region is called.'),
  AUDIT_UNAVAILABLE: makeCodeDefinition('AUDIT_UNAVAILABLE', 503, 'The audit record could not be written, so patient data is not released.'),
  RATE_LIMITED: makeCodeDefinition('RATE_LIMITED', 429, 'Too many requests from this user; retry after the `retry-after` seconds.'),
  ...HTTP_ERRORS,
} as const;

/** The gateway's code strings. */
export const GatewayErrorCode = codesOf(GATEWAY_ERRORS);
export type GatewayErrorCode = (typeof GatewayErrorCode)[keyof typeof GatewayErrorCode];

export function gatewayError(code: GatewayErrorCode, message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return GATEWAY_ERRORS[code].err(message, extensions);
}

/** The same, as the plain object a data source returns in `errors`. */
export function formattedError(code: GatewayErrorCode, message: string, extensions: Record<string, unknown> = {}): GraphQLFormattedError {
  return GATEWAY_ERRORS[code].formatted(message, extensions);
}
