import type { GraphQLFormattedError } from 'graphql';
import { GATEWAY_ERRORS, GatewayErrorCode } from '../errors';
import { fhirFailure, type FhirFailure } from './FhirFailure';
import type { IssueType } from './FhirTypes';
import { isRegionError } from './regionGaps';

/** The FHIR issue type of each gateway code a FHIR request can meet; the HTTP status is the registry's. */
const ISSUE_TYPES: Partial<Record<GatewayErrorCode, IssueType>> = {
  [GatewayErrorCode.BAD_USER_INPUT]: 'invalid',
  [GatewayErrorCode.UNAUTHENTICATED]: 'login',
  [GatewayErrorCode.FORBIDDEN]: 'forbidden',
  [GatewayErrorCode.RATE_LIMITED]: 'throttled',
  [GatewayErrorCode.AUDIT_UNAVAILABLE]: 'transient',
  [GatewayErrorCode.NO_REGIONS]: 'transient',
};

/**
 * The HTTP status and OperationOutcome for the first error in a GraphQL answer that is not
 * a region's failure to answer (those become outcome entries in the Bundle). The message
 * is GraphQL's own, so a bad NHS number reads the same on both APIs, and the status is
 * the one the error registry gives the code. Null when there is no such error.
 */
export function failureFromGraphQL(errors: readonly GraphQLFormattedError[]): FhirFailure | null {
  const error = errors.find((e) => !isRegionError(e));
  if (!error) return null;
  const code = String(error.extensions?.code ?? GatewayErrorCode.INTERNAL_SERVER_ERROR);
  const definition = Object.values(GATEWAY_ERRORS).find((d) => d.code === code);
  // NO_REGIONS rides in a GraphQL answer (200 there); with no data at all, FHIR says 503.
  const status = code === GatewayErrorCode.NO_REGIONS ? 503 : definition && definition.httpStatus >= 400 ? definition.httpStatus : 500;
  const issue = ISSUE_TYPES[code as GatewayErrorCode] ?? 'exception';
  const headers: Record<string, string> | undefined = status === 401 ? { 'www-authenticate': 'Bearer' } : status === 429 ? { 'retry-after': '60' } : undefined;
  // Anything unexpected was masked already by the gateway's formatError: no SQL, stacks or internal names.
  return fhirFailure(status, issue, error.message, headers);
}
