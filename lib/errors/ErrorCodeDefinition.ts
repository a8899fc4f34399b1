import { GraphQLError, type GraphQLFormattedError } from 'graphql';

/**
 * One error code a service produces, defined once in that service's registry with what it
 * means and the HTTP status of a request refused with it (the shape of federation's
 * `internals-js/src/error.ts`). Errors inside a GraphQL result travel with HTTP 200.
 */
export interface ErrorCodeDefinition<C extends string = string> {
  code: C;
  /** HTTP status when a whole request is refused with this code. */
  httpStatus: number;
  /** What the code means, for clients (the README's tables are generated from this). */
  description: string;
  /** A GraphQLError carrying this code in `extensions.code`. */
  err(message: string, extensions?: Record<string, unknown>): GraphQLError;
  /** The same as the plain object a data source or HTTP refusal sends. */
  formatted(message: string, extensions?: Record<string, unknown>): GraphQLFormattedError;
}

export function makeCodeDefinition<C extends string>(code: C, httpStatus: number, description: string): ErrorCodeDefinition<C> {
  return {
    code,
    httpStatus,
    description,
    err: (message, extensions = {}) => new GraphQLError(message, { extensions: { code, ...extensions } }),
    formatted: (message, extensions = {}) => ({ message, extensions: { code, ...extensions } }),
  };
}

/** The code strings of a registry, for comparisons such as `extensions.code === Codes.X`. */
export function codesOf<R extends Record<string, ErrorCodeDefinition>>(registry: R): { readonly [K in keyof R]: R[K]['code'] } {
  return Object.fromEntries(Object.entries(registry).map(([k, d]) => [k, d.code])) as { readonly [K in keyof R]: R[K]['code'] };
}
