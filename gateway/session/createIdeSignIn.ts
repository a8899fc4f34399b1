import type { IncomingMessage, ServerResponse } from 'node:http';
import { Pool } from 'pg';
import type { Authenticate } from '../../lib/auth/createAuthenticator';
import type { Logger } from '../../lib/logger';
import { GATEWAY_DEFAULTS } from '../defaults';
import { createOidcClients } from './createOidcClients';
import { createSessionAuthenticator } from './createSessionAuthenticator';
import { createSessionRoutes } from './createSessionRoutes';
import type { IdeSignInSettings, SignInProviderId } from './IdeSignInSettings';
import type { IdeViewer } from './IdeViewer';
import { cookiePolicy } from './sessionCookies';
import { SessionStore } from './SessionStore';

/** The IDE's sign-in, wired: what the gateway's routes, request gate and IDE page use. */
export interface IdeSignIn {
  /** Replaces the gateway's authenticator: bearer tokens as before, or the session cookie with its CSRF token. */
  authenticate: Authenticate;
  viewer(req: IncomingMessage): Promise<IdeViewer | null>;
  /** /ide/auth/*; false for any other path. */
  routes(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<boolean>;
  providers: Array<{ id: SignInProviderId; label: string }>;
  /** Closes the sign-in's own database connections (the refresh pool). */
  close(): Promise<void>;
}

/**
 * Connections for token refreshes, apart from the gateway's pool: a refresh holds its
 * session's row lock (and so a connection) while the identity provider answers, which can
 * take seconds when the provider is slow. In their own small pool, slow refreshes can only
 * delay other refreshes (which then fall back to the current token while it is valid),
 * never the audit trail or the rate limiter.
 */
const REFRESH_CONNECTIONS = 2;

/** Builds the backend-for-frontend from its settings (gateway/session/). */
export function createIdeSignIn(settings: IdeSignInSettings, deps: { pool: Pool; authenticate: Authenticate; logger: Logger }): IdeSignIn {
  const refreshPool = new Pool({ ...deps.pool.options, max: REFRESH_CONNECTIONS });
  refreshPool.on('error', (err) => deps.logger.warn({ err: err.message }, 'idle PostgreSQL client error (IDE session refresh)'));
  const store = new SessionStore(deps.pool, refreshPool);
  const clients = createOidcClients(settings.providers, settings.clientPrivateJwk);
  const cookies = cookiePolicy(settings.publicUrl);
  const sessions = createSessionAuthenticator({
    authenticate: deps.authenticate,
    store,
    clients,
    cookies,
    refreshMarginSeconds: settings.refreshMarginSeconds ?? GATEWAY_DEFAULTS.sessionRefreshMarginSeconds,
    logger: deps.logger,
  });
  const routes = createSessionRoutes({
    store,
    clients,
    cookies,
    authenticate: deps.authenticate,
    publicUrl: settings.publicUrl,
    sessionTtlSeconds: settings.sessionTtlSeconds ?? GATEWAY_DEFAULTS.sessionTtlSeconds,
    loginTtlSeconds: GATEWAY_DEFAULTS.loginTtlSeconds,
    logger: deps.logger,
  });
  return {
    authenticate: sessions.authenticate,
    viewer: sessions.viewer,
    routes,
    providers: settings.providers.map(({ id, label }) => ({ id, label })),
    close: () => refreshPool.end(),
  };
}
