import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Logger } from '../logger';
import { HTTP_ERRORS } from './httpErrors';

/**
 * Apollo Server formatError for production: errors graphql-js raised (syntax, validation),
 * errors we raised on purpose (GraphQLError with a code) and errors relayed from
 * subgraphs keep their message; anything unexpected (a driver error, a bug) is logged and
 * replaced by `genericMessage`, so no SQL text, stack trace or internal URL reaches a
 * client. Drops `stacktrace` and the gateway-internal `serviceName` extension.
 */
export function createErrorMasker(logger: Logger, genericMessage: string) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    // Not unwrapResolverError alone: it unwraps only errors with a path (resolvers), while
    // Apollo also wraps errors from context functions and plugins, without a path, and
    // those must be masked too.
    const original = error instanceof GraphQLError ? error.originalError : error;
    const unexpected = original instanceof Error && !(original instanceof GraphQLError);
    if (!unexpected) {
      const { stacktrace: _stack, serviceName: _service, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
    logger.error({ err: original.message, path: formatted.path }, 'internal error');
    return { message: genericMessage, ...(formatted.path ? { path: formatted.path } : {}), extensions: { code: HTTP_ERRORS.INTERNAL_SERVER_ERROR.code } };
  };
}
