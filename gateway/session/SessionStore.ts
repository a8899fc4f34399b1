import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
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

/** Which token a sealed value is: part of the authenticated data, so columns cannot be swapped. */
type TokenColumn = 'access_token' | 'refresh_token' | 'id_token';

const SEALED = /^v1\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]+)$/;

/**
 * Tokens are sealed at rest with AES-256-GCM under a key derived (HKDF-SHA256) from the
 * session id itself. The id is a 256-bit random value that only the browser's cookie
 * holds; the table keeps its hash. So a copy of the table (a backup, a replica, a
 * read-only SQL account) holds neither a usable cookie nor a usable token: a token is
 * readable only while serving a request that carries its session's cookie. No key to
 * configure, rotate or leak; every replica derives the same key from the same cookie.
 */
function tokenKey(sessionId: string): Buffer {
  return Buffer.from(hkdfSync('sha256', sessionId, 'ide_session', 'token sealing v1', 32));
}

export function sealToken(sessionId: string, column: TokenColumn, token: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', tokenKey(sessionId), iv);
  cipher.setAAD(Buffer.from(`${hashSecret(sessionId)}:${column}`));
  const sealed = Buffer.concat([cipher.update(token, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return `v1.${iv.toString('base64url')}.${sealed.toString('base64url')}`;
}

function sealOrNull(sessionId: string, column: TokenColumn, token: string | null): string | null {
  return token === null ? null : sealToken(sessionId, column, token);
}

/** The token, or null when the value is not sealed for this session and column (tampered, or from before sealing). */
export function openToken(sessionId: string, column: TokenColumn, value: string): string | null {
  const match = SEALED.exec(value);
  if (!match) return null;
  const sealed = Buffer.from(match[2]!, 'base64url');
  if (sealed.length < 17) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', tokenKey(sessionId), Buffer.from(match[1]!, 'base64url'));
    decipher.setAAD(Buffer.from(`${hashSecret(sessionId)}:${column}`));
    decipher.setAuthTag(sealed.subarray(sealed.length - 16));
    return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - 16)), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}

interface SessionRow {
  provider: SignInProviderId;
  display_name: string | null;
  csrf_token: string;
  access_token: string;
  refresh_token: string | null;
  id_token: string | null;
  access_expires_at: Date;
  expires_at: Date;
}

const SESSION_COLUMNS = 'provider, display_name, csrf_token, access_token, refresh_token, id_token, access_expires_at, expires_at';

/** A stored row as a session, or null when its access token cannot be opened with this id. */
function fromRow(sessionId: string, row: SessionRow | undefined): StoredSession | null {
  if (!row) return null;
  const accessToken = openToken(sessionId, 'access_token', row.access_token);
  if (accessToken === null) return null;
  return {
    provider: row.provider,
    displayName: row.display_name,
    csrfToken: row.csrf_token,
    accessToken,
    refreshToken: row.refresh_token === null ? null : openToken(sessionId, 'refresh_token', row.refresh_token),
    idToken: row.id_token === null ? null : openToken(sessionId, 'id_token', row.id_token),
    accessExpiresAt: row.access_expires_at,
    expiresAt: row.expires_at,
  };
}

/**
 * IDE sessions in the national PostgreSQL (schema/migrations/national/004_ide_session.sql),
 * so every gateway replica behind the load balancer sees the same sessions. Expired rows
 * are never returned and are deleted as new sessions are made. Tokens are sealed (see
 * {@link sealToken}).
 */
export class SessionStore {
  /** `refreshPool`: connections for {@link refreshLocked}, which holds one while the provider answers. */
  constructor(
    private readonly pool: Pool,
    private readonly refreshPool: Pool = pool,
  ) {}

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
      [
        hashSecret(sessionId),
        session.provider,
        session.csrfToken,
        sealToken(sessionId, 'access_token', session.accessToken),
        sealOrNull(sessionId, 'refresh_token', session.refreshToken),
        sealOrNull(sessionId, 'id_token', session.idToken),
        session.accessExpiresAt,
        session.expiresAt,
        session.displayName,
      ],
    );
  }

  async find(sessionId: string): Promise<StoredSession | null> {
    const { rows } = await this.pool.query<SessionRow>(`SELECT ${SESSION_COLUMNS} FROM ide_session WHERE id_hash = $1 AND expires_at > now()`, [hashSecret(sessionId)]);
    return fromRow(sessionId, rows[0]);
  }

  /**
   * Refreshes a session's tokens with the session's row locked, so at most one refresh of
   * a session runs at a time across every replica: providers that rotate refresh tokens
   * treat a second use of one as theft and revoke the whole grant. `stale` is asked again
   * once the lock is held, as another request may have refreshed meanwhile; then the
   * stored tokens are returned without calling `refresh`. A failed refresh changes nothing.
   * Null when the session has ended.
   */
  async refreshLocked(sessionId: string, stale: (session: StoredSession) => boolean, refresh: (session: StoredSession) => Promise<SessionTokens>): Promise<StoredSession | null> {
    const client: PoolClient = await this.refreshPool.connect();
    let done = false;
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<SessionRow>(`SELECT ${SESSION_COLUMNS} FROM ide_session WHERE id_hash = $1 AND expires_at > now() FOR UPDATE`, [hashSecret(sessionId)]);
      const session = fromRow(sessionId, rows[0]);
      if (!session || !stale(session)) {
        await client.query('COMMIT');
        done = true;
        return session;
      }
      const tokens = await refresh(session);
      await client.query(
        'UPDATE ide_session SET access_token = $2, refresh_token = COALESCE($3, refresh_token), id_token = COALESCE($4, id_token), access_expires_at = $5 WHERE id_hash = $1',
        [
          hashSecret(sessionId),
          sealToken(sessionId, 'access_token', tokens.accessToken),
          sealOrNull(sessionId, 'refresh_token', tokens.refreshToken),
          sealOrNull(sessionId, 'id_token', tokens.idToken),
          tokens.accessExpiresAt,
        ],
      );
      await client.query('COMMIT');
      done = true;
      return { ...session, accessToken: tokens.accessToken, refreshToken: tokens.refreshToken ?? session.refreshToken, idToken: tokens.idToken ?? session.idToken, accessExpiresAt: tokens.accessExpiresAt };
    } finally {
      if (!done) await client.query('ROLLBACK').catch(() => undefined);
      client.release();
    }
  }

  /** Ends a session; returns what it held (to revoke its refresh token), or null if there was none. */
  async delete(sessionId: string): Promise<StoredSession | null> {
    const { rows } = await this.pool.query<SessionRow>(`DELETE FROM ide_session WHERE id_hash = $1 RETURNING ${SESSION_COLUMNS}`, [hashSecret(sessionId)]);
    return fromRow(sessionId, rows[0]);
  }
}
