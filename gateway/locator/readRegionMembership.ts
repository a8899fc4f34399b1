import type { Dispatcher } from 'undici';
import { request } from 'undici';
import { ANSWER_SIGNATURE_HEADER } from '../../lib/security/regionAnswerSignature';
import type { AnswerChecker } from '../registry/createAnswerChecker';
import {
  purposeBound,
  REGION_MEMBERSHIP_PATH,
  SIGNATURE_PURPOSE,
  type MembershipChanges,
  type MembershipPosition,
  type MembershipRead,
} from '../../lib/locator/membershipProtocol';

/** Signs a body for one region (the gateway's region signer). */
export type SignForRegion = (code: string, body: string) => Record<string, string>;

/** The region's membership URL: its GraphQL URL's origin and path prefix, with /membership instead of /graphql. */
export function membershipUrl(graphqlUrl: string): string {
  const url = new URL(graphqlUrl);
  url.pathname = url.pathname.replace(/\/graphql\/?$/, '') + REGION_MEMBERSHIP_PATH;
  return url.toString();
}

/** Asks a region for its membership position, or for the changes after a sequence. Throws on any failure. */
export async function readRegionMembership<R extends MembershipRead>(
  region: { code: string; url: string },
  read: R,
  sign: SignForRegion,
  options: { timeoutMs: number; dispatcher?: Dispatcher; checkAnswer: AnswerChecker },
): Promise<R extends { op: 'changes' } ? MembershipChanges : MembershipPosition> {
  const body = JSON.stringify(read);
  const sent = sign(region.code, purposeBound(SIGNATURE_PURPOSE.read, body));
  const res = await request(membershipUrl(region.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...sent },
    body,
    signal: AbortSignal.timeout(options.timeoutMs),
    ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
  });
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`region ${region.code} answered HTTP ${res.statusCode} to a membership read`);
  const signature = res.headers[ANSWER_SIGNATURE_HEADER];
  if (!options.checkAnswer(region.code, sent, typeof signature === 'string' ? signature : undefined, text)) {
    throw new Error(`region ${region.code} sent a membership answer not signed with its secret`);
  }
  const parsed = JSON.parse(text) as Partial<MembershipChanges>;
  if (typeof parsed.epoch !== 'string' || !Number.isSafeInteger(parsed.seq)) throw new Error(`region ${region.code} sent a malformed membership position`);
  if (read.op === 'changes' && (!Array.isArray(parsed.nhsNumbers) || !Number.isSafeInteger(parsed.toSeq))) {
    throw new Error(`region ${region.code} sent malformed membership changes`);
  }
  return parsed as never;
}
