import type { IncomingMessage } from 'node:http';

/** How the IDE's cookies are named and flagged for one deployment. */
export interface CookiePolicy {
  /** False only when the gateway's public URL is plain http on the loopback interface (tests, the demo). */
  secure: boolean;
  session: string;
  login: string;
}

/** The path the sign-in routes live under; the login-binding cookie is sent only there. */
export const AUTH_PATH = '/ide/auth';

/**
 * Secure cookies everywhere but on http://127.0.0.1 or http://localhost, where there is
 * no TLS to require. Secure cookies get the __Host- prefix: the browser then refuses any
 * that were set without Secure, for another path, or for a parent domain.
 */
export function cookiePolicy(publicUrl: string): CookiePolicy {
  const url = new URL(publicUrl);
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  const secure = !(url.protocol === 'http:' && loopback);
  if (url.protocol === 'http:' && !loopback) throw new Error(`the IDE's public URL must be https unless it is on the loopback interface: ${publicUrl}`);
  return secure ? { secure, session: '__Host-ide_session', login: '__Secure-ide_login' } : { secure, session: 'ide_session', login: 'ide_login' };
}

export function readCookie(req: IncomingMessage, name: string): string | null {
  const header = req.headers.cookie;
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return null;
}

function serialise(policy: CookiePolicy, name: string, value: string, attributes: string[]): string {
  return [`${name}=${encodeURIComponent(value)}`, 'HttpOnly', ...(policy.secure ? ['Secure'] : []), ...attributes].join('; ');
}

/** The session cookie: HttpOnly, Secure, SameSite=Strict, the whole origin, no Expires (it dies with the browser, or earlier with the session). */
export function sessionCookie(policy: CookiePolicy, sessionId: string): string {
  return serialise(policy, policy.session, sessionId, ['SameSite=Strict', 'Path=/']);
}

/**
 * Ties a sign-in to the browser that started it. SameSite=Lax, not Strict: it must come
 * back on the provider's top-level redirect to the callback, which is a cross-site navigation.
 */
export function loginCookie(policy: CookiePolicy, binding: string, maxAgeSeconds: number): string {
  return serialise(policy, policy.login, binding, ['SameSite=Lax', `Path=${AUTH_PATH}`, `Max-Age=${maxAgeSeconds}`]);
}

export function clearSessionCookie(policy: CookiePolicy): string {
  return serialise(policy, policy.session, '', ['SameSite=Strict', 'Path=/', 'Max-Age=0']);
}

export function clearLoginCookie(policy: CookiePolicy): string {
  return serialise(policy, policy.login, '', ['SameSite=Lax', `Path=${AUTH_PATH}`, 'Max-Age=0']);
}
