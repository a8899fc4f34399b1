import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Principal } from './GatewayContext';

/**
 * Who is calling, from the Authorization header. Until JWT roles arrive (issue #4) the
 * only privileged caller is a registrar holding the gateway's registration token.
 */
export function resolvePrincipal(req: IncomingMessage, registrationToken: string | null): Principal {
  const header = req.headers.authorization;
  if (!header) return { kind: 'anonymous' };
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  if (!match) return { kind: 'invalid', reason: 'Authorization header must be "Bearer <token>"' };
  if (!registrationToken) return { kind: 'invalid', reason: 'registration is disabled on this gateway (no REGISTRATION_TOKEN configured)' };
  const given = Buffer.from(match[1]!);
  const expected = Buffer.from(registrationToken);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { kind: 'invalid', reason: 'bearer token not recognised' };
  return { kind: 'registrar' };
}
