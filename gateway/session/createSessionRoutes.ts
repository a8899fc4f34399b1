import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Authenticate } from '../../lib/auth/createAuthenticator';
import { sendRefusal } from '../../lib/http/createGraphQLHandler';
import type { Logger } from '../../lib/logger';
import { GATEWAY_ERRORS } from '../errors';
import { randomPkce, type OidcClient } from './createOidcClients';
import { CSRF_HEADER, hasCsrfToken } from './createSessionAuthenticator';
import type { SignInProviderId } from './IdeSignInSettings';
import { AUTH_PATH, clearLoginCookie, clearSessionCookie, loginCookie, readCookie, sessionCookie, type CookiePolicy } from './sessionCookies';
import { hashSecret, type SessionStore } from './SessionStore';

/** Options for {@link createSessionRoutes}. */
export interface SessionRoutesOptions {
  store: SessionStore;
  clients: ReadonlyMap<SignInProviderId, OidcClient>;
  cookies: CookiePolicy;
  /** Verifies the access token a sign-in produced, before a session is made for it. */
  authenticate: Authenticate;
  publicUrl: string;
  sessionTtlSeconds: number;
  loginTtlSeconds: number;
  logger: Logger;
}

export const LOGIN_PATH = `${AUTH_PATH}/login`;
export const CALLBACK_PATH = `${AUTH_PATH}/callback`;
export const LOGOUT_PATH = `${AUTH_PATH}/logout`;

const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'referrer-policy': 'no-referrer',
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A small page saying what went wrong, with a way back to the IDE. */
function sendProblem(res: ServerResponse, status: number, message: string, extraHeaders: Record<string, string | string[]> = {}): void {
  res.writeHead(status, { ...PAGE_HEADERS, ...extraHeaders });
  res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign-in</title></head><body><h1>Sign-in did not complete</h1><p id="problem">${escapeHtml(message)}</p><p><a href="/ide">Back to the IDE</a></p></body></html>`);
}

/**
 * The sign-in routes of the IDE's backend-for-frontend: /ide/auth/login starts the
 * authorization code flow with PKCE, /ide/auth/callback completes it as a confidential
 * client and makes a server-side session, /ide/auth/logout ends it. Returns true when it
 * answered the request.
 */
export function createSessionRoutes(options: SessionRoutesOptions) {
  const { store, clients, cookies, logger } = options;
  const redirectUri = new URL(CALLBACK_PATH, options.publicUrl).toString();

  async function login(res: ServerResponse, url: URL): Promise<void> {
    const client = clients.get(url.searchParams.get('provider') as SignInProviderId);
    if (!client) return sendProblem(res, 404, 'No such sign-in provider.');
    const { codeVerifier, state, nonce } = await randomPkce();
    const binding = randomBytes(32).toString('base64url');
    let location: string;
    try {
      location = await client.authorizationUrl({ redirectUri, state, nonce, codeVerifier });
    } catch (err) {
      logger.error({ err: (err as Error).message, provider: client.provider.id }, 'identity provider unreachable');
      return sendProblem(res, 503, `${client.provider.label} cannot be reached; try again shortly.`);
    }
    await store.saveLogin(state, { provider: client.provider.id, codeVerifier, nonce, bindingHash: hashSecret(binding) }, options.loginTtlSeconds);
    res.writeHead(302, { location, 'cache-control': 'no-store', 'set-cookie': loginCookie(cookies, binding, options.loginTtlSeconds) });
    res.end();
  }

  async function callback(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const clear = { 'set-cookie': clearLoginCookie(cookies) };
    const providerError = url.searchParams.get('error');
    if (providerError) return sendProblem(res, 401, `The identity provider said: ${providerError}.`, clear);
    const state = url.searchParams.get('state');
    const pending = state ? await store.takeLogin(state) : null;
    const binding = readCookie(req, cookies.login);
    if (!pending || !binding || hashSecret(binding) !== pending.bindingHash) {
      return sendProblem(res, 400, 'This sign-in was not started in this browser, or it took too long. Start again.', clear);
    }
    const client = clients.get(pending.provider);
    if (!client) return sendProblem(res, 400, 'That sign-in provider is no longer configured.', clear);
    let tokens;
    try {
      tokens = await client.exchange(new URL(url.pathname + url.search, options.publicUrl), { state: state!, nonce: pending.nonce, codeVerifier: pending.codeVerifier });
    } catch (err) {
      logger.warn({ err: (err as Error).message, provider: pending.provider }, 'IDE sign-in failed at the token endpoint');
      return sendProblem(res, 401, 'The identity provider did not confirm the sign-in.', clear);
    }
    // The gateway must accept the token it will send for this session: a staff provider
    // cannot make a PATIENT, a patient without the identity level cannot sign in, and so on.
    const probe = Object.create(req, { headers: { value: { authorization: `Bearer ${tokens.accessToken}` } } }) as IncomingMessage;
    const principal = await options.authenticate(probe);
    if (principal.kind !== 'user') {
      return sendProblem(res, 403, `Signed in, but the national imaging index does not accept this identity: ${principal.kind === 'invalid' ? principal.reason : 'no token'}.`, clear);
    }
    const sessionId = randomBytes(32).toString('base64url');
    await store.create(sessionId, {
      ...tokens,
      provider: pending.provider,
      displayName: tokens.name,
      csrfToken: randomBytes(32).toString('base64url'),
      expiresAt: new Date(Date.now() + options.sessionTtlSeconds * 1000),
    });
    // 200 with a same-site refresh, not a 302: the browser is on a redirect chain that a
    // cross-site page (the provider) started, and would not send a SameSite=Strict cookie
    // on the next request of that chain.
    res.writeHead(200, { ...PAGE_HEADERS, 'set-cookie': [sessionCookie(cookies, sessionId), clearLoginCookie(cookies)] });
    res.end('<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=/ide"><title>Signed in</title></head><body><p>Signed in. <a href="/ide">Open the IDE</a>.</p></body></html>');
  }

  async function logout(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const sessionId = readCookie(req, cookies.session);
    const session = sessionId ? await store.find(sessionId) : null;
    if (!sessionId || !session || !hasCsrfToken(req, session)) {
      return sendRefusal(res, { error: GATEWAY_ERRORS.FORBIDDEN, message: `signing out needs the session cookie and its CSRF token in the ${CSRF_HEADER} header` });
    }
    const ended = await store.delete(sessionId);
    if (ended?.refreshToken) await clients.get(ended.provider)?.revoke(ended.refreshToken);
    res.writeHead(204, { 'cache-control': 'no-store', 'set-cookie': clearSessionCookie(cookies) });
    res.end();
  }

  return async (req: IncomingMessage, res: ServerResponse, pathname: string): Promise<boolean> => {
    if (!pathname.startsWith(`${AUTH_PATH}/`)) return false;
    const url = new URL(req.url ?? '/', 'http://gateway.invalid');
    if (pathname === LOGIN_PATH && req.method === 'GET') await login(res, url);
    else if (pathname === CALLBACK_PATH && req.method === 'GET') await callback(req, res, url);
    else if (pathname === LOGOUT_PATH && req.method === 'POST') await logout(req, res);
    else return false;
    return true;
  };
}
