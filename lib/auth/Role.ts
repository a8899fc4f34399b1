/** The four kinds of user (issue #4). Tokens carry one of these in their `role` claim. */
export const ROLES = ['CLINICIAN', 'ANALYST', 'ARCHIVE', 'ADMIN'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Purposes of use a clinician may state; only DIRECT_CARE opens patient-identifiable data. */
export const PURPOSES_OF_USE = ['DIRECT_CARE'] as const;
export type PurposeOfUse = (typeof PURPOSES_OF_USE)[number];
