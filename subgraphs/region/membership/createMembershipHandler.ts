import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Pool } from 'pg';
import { BodyTooLargeError, readBody, sendJson } from '../../../lib/http/createGraphQLHandler';
import type { Logger } from '../../../lib/logger';
import { MAX_CHANGES_PER_MESSAGE, purposeBound, SIGNATURE_PURPOSE, type MembershipRead } from '../../../lib/locator/membershipProtocol';
import { SIGNATURE_HEADER, type SignatureVerifier } from '../../../lib/security/gatewaySignature';
import { readMembershipChanges, readMembershipPosition } from './readMembership';
import { answerHeaders } from '../answerHeaders';
import type { NonceStore } from '../createNonceStore';
import { verifyShared } from '../verifyShared';

/** Options for {@link createMembershipHandler}. */
export interface MembershipHandlerOptions {
  pool: Pool;
  logger: Logger;
  region: string;
  /** Verifies the gateway's signature (bound to the membership-read purpose). */
  verifier: SignatureVerifier;
  /** The region's shared replay memory (every replica's). */
  nonces: NonceStore;
  /** This region's secret: answers are signed with it over the read's nonce. */
  secret: string;
  /** Called with every position read, so GraphQL answers can carry a current sequence. */
  onPosition?: (seq: number) => void;
}

/**
 * The region's membership endpoint for the national gateway: its position (epoch and
 * sequence) and the NHS numbers added since a sequence. NHS numbers leave the region only
 * here and in publications, and only to a caller holding the region's secret.
 */
export function createMembershipHandler(options: MembershipHandlerOptions): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const { pool, logger, region, verifier } = options;
  return async (req, res) => {
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      return sendJson(res, 405, { error: 'use POST' });
    }
    let raw: string;
    try {
      raw = await readBody(req, 4096);
    } catch (err) {
      if (err instanceof BodyTooLargeError) return sendJson(res, 413, { error: err.message });
      throw err;
    }
    const check = await verifyShared(verifier, options.nonces, req.headers[SIGNATURE_HEADER] as string | undefined, purposeBound(SIGNATURE_PURPOSE.read, raw));
    if (!check.ok) {
      logger.warn({ reason: check.reason, remote: req.socket.remoteAddress }, 'rejected membership read without a valid gateway signature');
      return sendJson(res, 401, { error: `membership reads must be signed by the national gateway (${check.reason})` });
    }
    const read = parseRead(raw);
    if (!read) return sendJson(res, 400, { error: 'body must be {"op":"state"} or {"op":"changes","since":N,"limit":M}' });
    // Signed over the read's nonce: the gateway routes by these answers, so it must know they are ours.
    const answer = (body: unknown) => {
      const text = JSON.stringify(body);
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', ...answerHeaders(options.secret, req.headers[SIGNATURE_HEADER], text) }).end(text);
    };
    if (read.op === 'state') {
      const position = await readMembershipPosition(pool);
      options.onPosition?.(position.seq);
      return answer({ region, ...position });
    }
    const changes = await readMembershipChanges(pool, region, read.since, read.limit);
    options.onPosition?.(changes.seq);
    return answer(changes);
  };
}

function parseRead(raw: string): MembershipRead | null {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof body !== 'object' || body === null) return null;
  const { op, since, limit } = body as Record<string, unknown>;
  if (op === 'state') return { op };
  if (op !== 'changes') return null;
  if (!Number.isSafeInteger(since) || (since as number) < 0) return null;
  if (!Number.isSafeInteger(limit) || (limit as number) < 1 || (limit as number) > MAX_CHANGES_PER_MESSAGE) return null;
  return { op, since: since as number, limit: limit as number };
}
