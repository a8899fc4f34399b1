import { GraphQLError } from 'graphql';

/**
 * Every error code a region sends, defined once. Clients branch on extensions.code,
 * never on message text.
 */
export const RegionErrorCode = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;
export type RegionErrorCode = (typeof RegionErrorCode)[keyof typeof RegionErrorCode];

export function badUserInput(message: string, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code: RegionErrorCode.BAD_USER_INPUT, ...extra } });
}
