import type { Role } from '../../lib/auth/Role';
import type { SignInProviderId } from './IdeSignInSettings';

/** Who is signed in to the IDE, as the page shows them; the CSRF token goes with every request the page makes. */
export interface IdeViewer {
  provider: SignInProviderId;
  name: string | null;
  userId: string;
  role: Role;
  organisation: string | null;
  purposeOfUse: string | null;
  csrfToken: string;
}
