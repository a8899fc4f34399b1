import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import type { SignInProviderId } from './IdeSignInSettings';

/** The tokens a session holds; they never leave the gateway. */
export interface SessionTokens {
  accessToken: string;
  refreshToken: string | null;
  idToken: string | null;
  accessExpiresAt: Date;
}

export interface StoredSession extends SessionTokens {
  provider: SignInProviderId;
  displayName: string | null;
  csrfToken: string;
  expiresAt: Date;
}

/** A sign-in under way, between the redirect to the provider and its callback. */
export interface PendingLogin {
  provider: SignInProviderId;
  codeVerifier: string;
  nonce: string;
  bindingHash: string;
}

/** Session ids and browser bindings are stored hashed: the table alone cannot be replayed as cookies. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url');
}

/**
 * IDE sessions in the national PostgreSQL (schema/migrations/national/004_ide_session.sql),
 * so every gateway replica behind the load balancer sees the same sessions. Expired rows
 * are never returned and are deleted as new sessions are made.
 */
export class SessionStore {
  constructor(private readonly pool: Pool) {}

  async saveLogin(state: string, login: PendingLogin, ttlSeconds: number): Promise<void> {
    await this.pool.query(
      `INSERT INTO ide_login (state, provider, code_verifier, nonce, binding_hash, expires_at)
       VALUES ($1, $2, $3, $4, $5, now() + make_interval(secs => $6))`,
      [state, login.provider, login.codeVerifier, login.nonce, login.bindingHash, ttlSeconds],
    );
  }

  /** The pending sign-in for `state`, deleted as it is read: a callback works once. */
  async takeLogin(state: string): Promise<PendingLogin | null> {
    const { rows } = await this.pool.query<{ provider: SignInProviderId; code_verifier: string; nonce: string; binding_hash: string }>(
      'DELETE FROM ide_login WHERE state = $1 AND expires_at > now() RETURNING provider, code_verifier, nonce, binding_hash',
      [state],
    );
    const row = rows[0];
    return row ? { provider: row.provider, codeVerifier: row.code_verifier, nonce: row.nonce, bindingHash: row.binding_hash } : null;
  }

  async create(sessionId: string, session: StoredSession): Promise<void> {
    await this.pool.query('DELETE FROM ide_session WHERE expires_at <= now()');
    await this.pool.query('DELETE FROM ide_login WHERE expires_at <= now()');
    await this.pool.query(
      `INSERT INTO ide_session (id_hash, provider, display_name, csrf_token, access_token, refresh_token, id_token, access_expires_at, expires_at)
       VALUES ($1, $2, $9, $3, $4, $5, $6, $7, $8)`,
      [hashSecret(sessionId), session.provider, session.csrfToken, session.accessToken, session.refreshToken, session.idToken, session.accessExpiresAt, session.expiresAt, session.displayName],
    );
  }

  async find(sessionId: string): Promise<StoredSession | null> {
    const { rows } = await this.pool.query<{
      provider: SignInProviderId;
      display_name: string | null;
      csrf_token: string;
      access_token: string;
      refresh_token: string | null;
      id_token: string | null;
      access_expires_at: Date;
      expires_at: Date;
    }>(
      `SELECT provider, display_name, csrf_token, access_token, refresh_token, id_token, access_expires_at, expires_at
       FROM ide_session WHERE id_hash = $1 AND expires_at > now()`,
      [hashSecret(sessionId)],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      provider: row.provider,
      displayName: row.display_name,
      csrfToken: row.csrf_token,
      accessToken: row.access_token,
      refreshToken: row.refresh_token,
      idToken: row.id_token,
      accessExpiresAt: row.access_expires_at,
      expiresAt: row.expires_at,
    };
  }

  async updateTokens(sessionId: string, tokens: SessionTokens): Promise<void> {
    await this.pool.query(
      'UPDATE ide_session SET access_token = $2, refresh_token = COALESCE($3, refresh_token), id_token = COALESCE($4, id_token), access_expires_at = $5 WHERE id_hash = $1',
      [hashSecret(sessionId), tokens.accessToken, tokens.refreshToken, tokens.idToken, tokens.accessExpiresAt],
    );
  }

  /** Ends a session; returns what it held (to revoke its refresh token), or null if there was none. */
  async delete(sessionId: string): Promise<StoredSession | null> {
    const found = await this.find(sessionId);
    await this.pool.query('DELETE FROM ide_session WHERE id_hash = $1', [hashSecret(sessionId)]);
    return found;
  }
}
