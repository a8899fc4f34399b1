import { webcrypto } from 'node:crypto';
import type { JWK } from 'jose';
import type { Configuration } from 'openid-client' with { 'resolution-mode': 'import' };
import { GATEWAY_DEFAULTS } from '../defaults';
import type { SignInProvider, SignInProviderId } from './IdeSignInSettings';
import type { SessionTokens } from './SessionStore';

type OpenIdClient = typeof import('openid-client', { with: { 'resolution-mode': 'import' } });

/**
 * openid-client 6 (the maintained, OpenID-certified relying party library) is ESM-only,
 * and this project compiles to CommonJS: it is loaded with a real dynamic import() the
 * first time someone signs in, so a gateway without sign-in configured (and jest, which
 * cannot load ESM in process) never touches it.
 */
let library: Promise<OpenIdClient> | null = null;
function loadOpenIdClient(): Promise<OpenIdClient> {
  library ??= import('openid-client');
  return library;
}

/** What the sign-in routes need from one provider. */
export interface OidcClient {
  provider: SignInProvider;
  /** The URL to send the browser to, with PKCE (S256), state and nonce. */
  authorizationUrl(params: { redirectUri: string; state: string; nonce: string; codeVerifier: string }): Promise<string>;
  /** Completes the code flow: private_key_jwt at the token endpoint, checks state, nonce and the ID token. */
  exchange(callbackUrl: URL, checks: { state: string; nonce: string; codeVerifier: string }): Promise<SessionTokens & { name: string | null }>;
  refresh(refreshToken: string): Promise<SessionTokens>;
  /** Best effort: tells the provider the refresh token is no longer wanted. */
  revoke(token: string): Promise<void>;
}

/** PKCE values, from the same library. */
export async function randomPkce(): Promise<{ codeVerifier: string; state: string; nonce: string }> {
  const client = await loadOpenIdClient();
  return { codeVerifier: client.randomPKCECodeVerifier(), state: client.randomState(), nonce: client.randomNonce() };
}

async function importPrivateKey(jwk: JWK): Promise<{ key: webcrypto.CryptoKey; kid?: string }> {
  const algorithm = jwk.kty === 'EC' ? { name: 'ECDSA', namedCurve: jwk.crv ?? 'P-256' } : { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  const key = await webcrypto.subtle.importKey('jwk', jwk as webcrypto.JsonWebKey, algorithm, false, ['sign']);
  return { key, ...(jwk.kid ? { kid: jwk.kid } : {}) };
}

function tokensFrom(response: { access_token: string; refresh_token?: string; id_token?: string; expiresIn(): number | undefined }): SessionTokens {
  return {
    accessToken: response.access_token,
    refreshToken: response.refresh_token ?? null,
    idToken: response.id_token ?? null,
    accessExpiresAt: new Date(Date.now() + (response.expiresIn() ?? 300) * 1000),
  };
}

/**
 * One confidential client per configured provider. Discovery happens on first use and is
 * retried on the next sign-in if the provider was unreachable. Plain http is allowed only
 * for a provider on the loopback interface (the demo's and the tests').
 */
export function createOidcClients(providers: SignInProvider[], clientPrivateJwk: JWK): Map<SignInProviderId, OidcClient> {
  const clients = new Map<SignInProviderId, OidcClient>();
  for (const provider of providers) {
    let discovered: Promise<{ client: OpenIdClient; config: Configuration }> | null = null;
    const configuration = () => {
      discovered ??= (async () => {
        const client = await loadOpenIdClient();
        const issuer = new URL(provider.issuer);
        const loopbackHttp = issuer.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(issuer.hostname);
        const config = await client.discovery(
          issuer,
          provider.clientId,
          { token_endpoint_auth_method: 'private_key_jwt' },
          client.PrivateKeyJwt(await importPrivateKey(clientPrivateJwk) as never),
          loopbackHttp ? { execute: [client.allowInsecureRequests] } : {},
        );
        return { client, config };
      })().catch((err: unknown) => {
        discovered = null;
        throw err;
      });
      return discovered;
    };
    clients.set(provider.id, {
      provider,
      async authorizationUrl({ redirectUri, state, nonce, codeVerifier }) {
        const { client, config } = await configuration();
        return client
          .buildAuthorizationUrl(config, {
            redirect_uri: redirectUri,
            scope: provider.scopes ?? GATEWAY_DEFAULTS.oidcScopes,
            code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
            code_challenge_method: 'S256',
            state,
            nonce,
            // Always show the provider's sign-in: a shared workstation changes hands.
            prompt: 'login',
          })
          .toString();
      },
      async exchange(callbackUrl, checks) {
        const { client, config } = await configuration();
        const response = await client.authorizationCodeGrant(config, callbackUrl, {
          pkceCodeVerifier: checks.codeVerifier,
          expectedState: checks.state,
          expectedNonce: checks.nonce,
          idTokenExpected: true,
        });
        const name = response.claims()?.name;
        return { ...tokensFrom(response), name: typeof name === 'string' ? name : null };
      },
      async refresh(refreshToken) {
        const { client, config } = await configuration();
        return tokensFrom(await client.refreshTokenGrant(config, refreshToken));
      },
      async revoke(token) {
        const { client, config } = await configuration();
        await client.tokenRevocation(config, token, { token_type_hint: 'refresh_token' }).catch(() => undefined);
      },
    });
  }
  return clients;
}
