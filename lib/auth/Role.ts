/** The four kinds of user (README, "Who may do what"). Tokens carry one of these in their `role` claim. */
export const ROLES = ['CLINICIAN', 'ANALYST', 'ARCHIVE', 'ADMIN'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

