import type { JWK } from 'jose';

/** Which identity provider a session came from: NHS CIS2 for staff, NHS login for patients. */
export type SignInProviderId = 'staff' | 'patient';

/** One OpenID Connect provider the IDE signs people in with. */
export interface SignInProvider {
  id: SignInProviderId;
  /** Shown on the sign-in button, e.g. "NHS staff (CIS2)". */
  label: string;
  /** The provider's issuer URL; its discovery document is fetched on first use. */
  issuer: string;
  clientId: string;
  /** Space-separated scopes asked for. @defaultValue GATEWAY_DEFAULTS.oidcScopes */
  scopes?: string;
}

/** The IDE's sign-in (a backend-for-frontend): who signs people in and how the gateway proves itself. */
export interface IdeSignInSettings {
  providers: SignInProvider[];
  /**
   * The gateway's private key as a JWK (EC P-256 or RSA): it authenticates to each
   * provider's token endpoint with a signed assertion (`private_key_jwt`), as CIS2 and
   * NHS login require; the providers hold its public half.
   */
  clientPrivateJwk: JWK;
  /**
   * The gateway's origin as browsers reach it (e.g. https://imaging.example.nhs.uk); the
   * redirect URI registered with each provider is `${publicUrl}/ide/auth/callback`.
   */
  publicUrl: string;
  /** How long a session lives at most, seconds. @defaultValue GATEWAY_DEFAULTS.sessionTtlSeconds */
  sessionTtlSeconds?: number;
  /** Refresh the access token when it expires within this many seconds. @defaultValue GATEWAY_DEFAULTS.sessionRefreshMarginSeconds */
  refreshMarginSeconds?: number;
}
