import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyTooLargeError, readBody, sendJson } from '../../lib/http/createGraphQLHandler';
import type { Logger } from '../../lib/logger';
import { MAX_CHANGES_PER_MESSAGE, purposeBound, REGION_CODE_HEADER, REGION_SIGNATURE_HEADER, SIGNATURE_PURPOSE, type MembershipChanges } from '../../lib/locator/membershipProtocol';
import { parseNhsNumber } from '../../lib/domain/parseNhsNumber';
import { SignatureVerifier } from '../../lib/security/gatewaySignature';
import type { Keyring } from '../../lib/security/Keyring';
import type { LocatorKey } from './LocatorKey';
import type { MembershipStore } from './MembershipStore';

/** Options for {@link createPublishHandler}. */
export interface PublishHandlerOptions {
  store: MembershipStore;
  key: LocatorKey;
  logger: Logger;
  /** The secrets a region may sign with, by key id (derived from the gateway's master key). */
  secretFor: (code: string) => Keyring;
  /** Whether a region is registered (publications from others are acknowledged and ignored). */
  isRegistered: (code: string) => boolean;
  /** Called after a publication is stored, to update this replica at once. */
  onStored: (code: string) => Promise<void>;
}

/** 12 bytes an NHS number in JSON, plus the envelope. */
const MAX_BODY_BYTES = MAX_CHANGES_PER_MESSAGE * 16 + 4096;

/**
 * POST /membership/changes: a region publishes the NHS numbers its latest writes added,
 * before acknowledging those writes. Only the region itself can publish for its code (the
 * body is signed with that region's secret, bound to this purpose); the gateway stores
 * keyed hashes, never the numbers, and answers only once they are durable in the national
 * database and applied at this replica.
 */
export function createPublishHandler(options: PublishHandlerOptions): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const { logger } = options;
  const verifiers = new Map<string, SignatureVerifier>();
  return async (req, res) => {
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      return sendJson(res, 405, { error: 'use POST' });
    }
    const code = String(req.headers[REGION_CODE_HEADER] ?? '').toUpperCase();
    if (!/^[A-Z0-9]{2,12}$/.test(code)) return sendJson(res, 400, { error: `header ${REGION_CODE_HEADER} must name the publishing region` });
    let raw: string;
    try {
      raw = await readBody(req, MAX_BODY_BYTES);
    } catch (err) {
      if (err instanceof BodyTooLargeError) return sendJson(res, 413, { error: `a publication carries at most ${MAX_CHANGES_PER_MESSAGE} NHS numbers` });
      throw err;
    }
    // One verifier (with its replay memory) per registered region; an unregistered code's is thrown away.
    const registered = options.isRegistered(code);
    let verifier = verifiers.get(code);
    if (!verifier) {
      verifier = new SignatureVerifier(options.secretFor(code));
      if (registered) verifiers.set(code, verifier);
    }
    const check = verifier.verify(req.headers[REGION_SIGNATURE_HEADER] as string | undefined, purposeBound(SIGNATURE_PURPOSE.publish, raw));
    if (!registered) verifier.close();
    if (!check.ok) {
      logger.warn({ region: code, reason: check.reason, remote: req.socket.remoteAddress }, 'refused a membership publication without a valid region signature');
      return sendJson(res, 401, { error: `a publication must be signed with the region's own secret (${check.reason})` });
    }
    // Nothing routes to an unregistered region, and registration reads its whole log first.
    if (!registered) return sendJson(res, 200, { outcome: 'not-registered' });
    const changes = parseChanges(raw, code);
    if (typeof changes === 'string') return sendJson(res, 400, { error: changes });
    const hashes = changes.nhsNumbers.map((n) => options.key.hash(n));
    const outcome = await options.store.append(code, changes.epoch, changes.fromSeq, changes.toSeq, hashes);
    if (outcome.kind === 'gap') return sendJson(res, 409, { outcome: 'gap', publishedSeq: outcome.publishedSeq });
    await options.onStored(code);
    return sendJson(res, 200, { outcome: 'applied', publishedSeq: outcome.publishedSeq });
  };
}

/** The publication, or what is wrong with it. */
function parseChanges(raw: string, code: string): MembershipChanges | string {
  let body: Partial<MembershipChanges>;
  try {
    body = JSON.parse(raw) as Partial<MembershipChanges>;
  } catch {
    return 'body is not JSON';
  }
  if (body.region !== code) return `body names region ${String(body.region)}, header ${code}`;
  if (typeof body.epoch !== 'string' || !/^[0-9a-f-]{36}$/.test(body.epoch)) return 'epoch must be a UUID';
  for (const k of ['seq', 'fromSeq', 'toSeq'] as const) {
    if (!Number.isSafeInteger(body[k]) || (body[k] as number) < 0) return `${k} must be a whole number`;
  }
  if (body.toSeq! < body.fromSeq! || body.toSeq! > body.seq!) return 'sequences must satisfy fromSeq <= toSeq <= seq';
  if (!Array.isArray(body.nhsNumbers) || body.nhsNumbers.length > MAX_CHANGES_PER_MESSAGE) return `nhsNumbers must be a list of at most ${MAX_CHANGES_PER_MESSAGE}`;
  const numbers: string[] = [];
  for (const n of body.nhsNumbers) {
    const parsed = parseNhsNumber(n);
    if (!parsed.ok) return `nhsNumbers: ${parsed.reason}`;
    numbers.push(parsed.value);
  }
  return { region: code, epoch: body.epoch, seq: body.seq!, fromSeq: body.fromSeq!, toSeq: body.toSeq!, nhsNumbers: numbers };
}
