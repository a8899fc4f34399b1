import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Authenticate } from '../../lib/auth/createAuthenticator';
import type { Principal } from '../../lib/auth/Principal';
import type { Logger } from '../../lib/logger';
import type { OidcClient } from './createOidcClients';
import type { SignInProviderId } from './IdeSignInSettings';
import type { IdeViewer } from './IdeViewer';
import type { CookiePolicy } from './sessionCookies';
import { readCookie } from './sessionCookies';
import { hashSecret, type SessionStore, type StoredSession } from './SessionStore';

/** The header the IDE sends its session's CSRF token in. */
export const CSRF_HEADER = 'x-csrf-token';

/** Options for {@link createSessionAuthenticator}. */
export interface SessionAuthenticatorOptions {
  /** Verifies bearer tokens (API callers, and the tokens sessions hold). */
  authenticate: Authenticate;
  store: SessionStore;
  clients: ReadonlyMap<SignInProviderId, OidcClient>;
  cookies: CookiePolicy;
  refreshMarginSeconds: number;
  logger: Logger;
}

export interface SessionAuthenticator {
  /** For the request gate: bearer token if sent, else the session cookie with its CSRF token. */
  authenticate: Authenticate;
  /** For the IDE page: who is signed in, or null (no cookie, ended session, token no longer accepted). */
  viewer(req: IncomingMessage): Promise<IdeViewer | null>;
}

/** True when the request carries the session's CSRF token (compared in constant time). */
export function hasCsrfToken(req: IncomingMessage, session: StoredSession): boolean {
  const given = req.headers[CSRF_HEADER];
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(session.csrfToken);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The request as if the session's access token had been sent as a bearer token: one verification path for both. */
function withBearer(req: IncomingMessage, token: string): IncomingMessage {
  return Object.create(req, { headers: { value: { ...req.headers, authorization: `Bearer ${token}` } } }) as IncomingMessage;
}

/**
 * The backend-for-frontend's half of every request: the browser sends only the session
 * cookie (and, for GraphQL, the CSRF token bound to the session); the gateway looks up
 * the session's access token, refreshes it when it is about to expire, and verifies it
 * exactly as it verifies a bearer token. Callers sending Authorization are unaffected.
 */
export function createSessionAuthenticator(options: SessionAuthenticatorOptions): SessionAuthenticator {
  const { store, clients, cookies, logger } = options;

  const margin = options.refreshMarginSeconds * 1000;
  const stale = (session: StoredSession) => session.accessExpiresAt.getTime() - Date.now() <= margin;
  // One refresh per session at a time in this process (the row lock serialises replicas):
  // concurrent requests of one session share it instead of queueing for the lock.
  const refreshing = new Map<string, Promise<StoredSession | null>>();

  async function refreshed(sessionId: string, session: StoredSession): Promise<StoredSession | null> {
    const client = clients.get(session.provider);
    if (!session.refreshToken || !client) return session;
    const key = hashSecret(sessionId);
    let pending = refreshing.get(key);
    if (!pending) {
      pending = store
        .refreshLocked(sessionId, stale, async (current) => {
          if (!current.refreshToken) throw new Error('the session has no refresh token');
          return client.refresh(current.refreshToken);
        })
        .catch((err: unknown) => {
          logger.warn({ err: (err as Error).message, provider: session.provider }, 'IDE session refresh failed');
          return session;
        })
        .finally(() => refreshing.delete(key));
      refreshing.set(key, pending);
    }
    return pending;
  }

  async function accessToken(sessionId: string, session: StoredSession): Promise<string | null> {
    if (!stale(session)) return session.accessToken;
    const current = await refreshed(sessionId, session);
    if (!current) return null;
    return current.accessExpiresAt.getTime() > Date.now() ? current.accessToken : null;
  }

  async function sessionPrincipal(req: IncomingMessage, checkCsrf: boolean): Promise<{ principal: Principal; session: StoredSession | null }> {
    const sessionId = readCookie(req, cookies.session);
    if (!sessionId) return { principal: { kind: 'anonymous' }, session: null };
    const session = await store.find(sessionId);
    if (!session) return { principal: { kind: 'invalid', reason: 'the IDE session has ended; sign in again' }, session: null };
    if (checkCsrf) {
      if (!hasCsrfToken(req, session)) {
        return { principal: { kind: 'invalid', reason: `a request made with the IDE's session cookie needs the session's CSRF token in the ${CSRF_HEADER} header` }, session: null };
      }
    }
    const token = await accessToken(sessionId, session);
    if (!token) return { principal: { kind: 'invalid', reason: 'the IDE session has expired; sign in again' }, session: null };
    return { principal: await options.authenticate(withBearer(req, token)), session };
  }

  return {
    authenticate: async (req) => {
      if (req.headers.authorization !== undefined) return options.authenticate(req);
      return (await sessionPrincipal(req, true)).principal;
    },
    viewer: async (req) => {
      const { principal, session } = await sessionPrincipal(req, false);
      if (principal.kind !== 'user' || !session) return null;
      const { user } = principal;
      return {
        provider: session.provider,
        name: session.displayName,
        userId: user.id,
        role: user.role,
        organisation: user.organisation,
        purposeOfUse: user.purposeOfUse,
        csrfToken: session.csrfToken,
      };
    },
  };
}
