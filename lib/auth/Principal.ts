import type { Role } from './Role';

/** An authenticated caller, from a verified JWT. */
export interface User {
  /** The token's `sub`: a stable user id (for CIS2, the UUID of the smartcard holder). */
  id: string;
  role: Role;
  /** ODS code of the user's organisation (`org` claim). */
  organisation: string | null;
  /** For archives: the one region they may register and feed (`region` claim). */
  region: string | null;
  /** Stated purpose of use, from the `purpose_of_use` claim or the X-Purpose-Of-Use header. */
  purposeOfUse: string | null;
  /** Who stated the purpose: the identity provider (token claim) or the caller (header). */
  purposeSource: 'TOKEN' | 'HEADER' | null;
  /** PATIENT only: the patient's own NHS number, from the NHS login token (`nhs_number`). */
  nhsNumber?: string;
}

/** Who is calling: a verified user, nobody, or someone whose token failed (with why). */
export type Principal = { kind: 'user'; user: User } | { kind: 'anonymous' } | { kind: 'invalid'; reason: string };
