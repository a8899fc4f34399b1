import { ApolloServerErrorCode } from '@apollo/server/errors';
import type { GraphQLError } from 'graphql';
import { makeCodeDefinition } from '../../lib/errors/ErrorCodeDefinition';
import { HTTP_ERRORS } from '../../lib/http/httpErrors';

/**
 * Every error code a region sends, defined once. Clients branch on `extensions.code`,
 * never on message text. The README's table is generated from this (`npm run docs:errors`).
 */
export const REGION_ERRORS = {
  BAD_USER_INPUT: makeCodeDefinition(ApolloServerErrorCode.BAD_USER_INPUT, 400, 'An argument or ingested record is wrong; the message says what.'),
  UNAUTHENTICATED: makeCodeDefinition('UNAUTHENTICATED', 401, "`/graphql`: the request is not signed by the national gateway (or is stale or replayed); `/ingest`: no valid bearer token."),
  FORBIDDEN: makeCodeDefinition('FORBIDDEN', 403, "`/ingest`: the token is not an archive of this region's, nor an administrator's."),
  NOT_FOUND: makeCodeDefinition('NOT_FOUND', 404, '`/ingest` is disabled: the region was started without a JWKS to verify archive tokens.'),
  ...HTTP_ERRORS,
} as const;

export function badUserInput(message: string, extra: Record<string, unknown> = {}): GraphQLError {
  return REGION_ERRORS.BAD_USER_INPUT.err(message, extra);
}
