import type { ErrorCodeDefinition } from '../errors/ErrorCodeDefinition';
import type { Refusal } from '../http/createGraphQLHandler';
import type { Principal, User } from './Principal';

/** Options for {@link requireUser}. */
export interface RequireUserOptions {
  /** The service's UNAUTHENTICATED registry entry. */
  unauthenticated: ErrorCodeDefinition;
  /** What a caller without a token is told. */
  anonymousMessage: string;
  /** Send the RFC 6750 `www-authenticate` challenge with the refusal. */
  challenge: boolean;
}

/** The one place a principal becomes a user or an UNAUTHENTICATED refusal, for every service. */
export function requireUser(principal: Principal, options: RequireUserOptions): { user: User } | { refusal: Refusal } {
  const refuse = (message: string, challenge: string): { refusal: Refusal } => ({
    refusal: { error: options.unauthenticated, message, ...(options.challenge ? { headers: { 'www-authenticate': challenge } } : {}) },
  });
  switch (principal.kind) {
    case 'user':
      return { user: principal.user };
    case 'anonymous':
      return refuse(options.anonymousMessage, 'Bearer');
    case 'invalid':
      return refuse(principal.reason, 'Bearer error="invalid_token"');
    default: {
      const never: never = principal;
      throw new Error(`unknown principal ${String(never)}`);
    }
  }
}
