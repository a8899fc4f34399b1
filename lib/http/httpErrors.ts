import { ApolloServerErrorCode } from '@apollo/server/errors';
import { makeCodeDefinition } from '../errors/ErrorCodeDefinition';

/**
 * Codes the shared HTTP layer (lib/http) answers with, before or around GraphQL execution.
 * Both services' registries include them; Apollo's own codes are reused, not restated.
 */
export const HTTP_ERRORS = {
  BAD_REQUEST: makeCodeDefinition(ApolloServerErrorCode.BAD_REQUEST, 400, 'The request body is not valid JSON.'),
  PAYLOAD_TOO_LARGE: makeCodeDefinition('PAYLOAD_TOO_LARGE', 413, 'The request body is larger than the service accepts.'),
  METHOD_NOT_ALLOWED: makeCodeDefinition('METHOD_NOT_ALLOWED', 405, 'GraphQL requests must use POST (a GET would put NHS numbers into URLs and logs).'),
  INTERNAL_SERVER_ERROR: makeCodeDefinition(
    ApolloServerErrorCode.INTERNAL_SERVER_ERROR,
    500,
    'Something unexpected failed; the details are logged, never sent (no SQL text, stack traces or internal URLs).',
  ),
} as const;
