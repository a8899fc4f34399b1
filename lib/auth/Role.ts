/**
 * The kinds of user (README, "Who may do what"). Staff tokens carry one of the first four
 * in their `role` claim; PATIENT is never a claim: it is given to tokens from the NHS
 * login issuer only (lib/auth/createPatientAuthenticator.ts).
 */
export const ROLES = ['CLINICIAN', 'ANALYST', 'ARCHIVE', 'ADMIN', 'PATIENT'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

