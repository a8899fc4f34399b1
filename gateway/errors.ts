import { GraphQLError, type GraphQLFormattedError } from 'graphql';

/** Every error code the national gateway produces, defined once. */
export const GatewayErrorCode = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  REGION_UNAVAILABLE: 'REGION_UNAVAILABLE',
  REGION_TIMEOUT: 'REGION_TIMEOUT',
  NO_REGIONS: 'NO_REGIONS',
  REGISTRATION_REFUSED: 'REGISTRATION_REFUSED',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  AUDIT_UNAVAILABLE: 'AUDIT_UNAVAILABLE',
  RATE_LIMITED: 'RATE_LIMITED',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;
export type GatewayErrorCode = (typeof GatewayErrorCode)[keyof typeof GatewayErrorCode];

export function gatewayError(code: GatewayErrorCode, message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extensions } });
}

/** The same, as the plain object a data source returns in `errors`. */
export function formattedError(code: GatewayErrorCode, message: string, extensions: Record<string, unknown> = {}): GraphQLFormattedError {
  return { message, extensions: { code, ...extensions } };
}
