import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Logger } from '../logger';
import { HTTP_ERRORS } from './httpErrors';

const SUGGESTION = /\s*Did you mean [^?]*\?/g;

/**
 * Apollo Server formatError for production: errors graphql-js raised (syntax, validation),
 * errors we raised on purpose (GraphQLError with a code) and errors relayed from
 * subgraphs keep their message; anything unexpected (a driver error, a bug) is logged and
 * replaced by `genericMessage`, so no SQL text, stack trace or internal URL reaches a
 * client. Drops `stacktrace` and the gateway-internal `serviceName` extension.
 */
export function createErrorMasker(logger: Logger, genericMessage: string) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    // unwrapResolverError takes off graphql-js's wrapper around what a resolver threw. Errors
    // from context functions and plugins arrive wrapped without a path, which it leaves
    // alone, so what remains wrapped is unwrapped once more: those must be masked too.
    const thrown = unwrapResolverError(error);
    const original = thrown instanceof GraphQLError ? thrown.originalError : thrown;
    const unexpected = original instanceof Error && !(original instanceof GraphQLError);
    if (!unexpected) {
      const { stacktrace: _stack, serviceName: _service, ...extensions } = formatted.extensions ?? {};
      // graphql-armor blocks field suggestions only; enum values and argument names are
      // suggested too, and they map the schema for someone probing it.
      return { ...formatted, message: formatted.message.replace(SUGGESTION, ''), extensions };
    }
    logger.error({ err: original.message, path: formatted.path }, 'internal error');
    return { message: genericMessage, ...(formatted.path ? { path: formatted.path } : {}), extensions: { code: HTTP_ERRORS.INTERNAL_SERVER_ERROR.code } };
  };
}
