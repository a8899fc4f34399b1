import { buildSubgraphSchema } from '@apollo/subgraph';
import { findBreakingChanges, parse } from 'graphql';
import { request } from 'undici';
import { ANSWER_SIGNATURE_HEADER } from '../../lib/security/regionAnswerSignature';
import { CONTRACT_VERSION, PREVIOUS_CONTRACT_VERSION, previousRegionSubgraphSchema, regionSubgraphSchema } from '../../lib/contract';

/** A region endpoint is usable (and which contract version it serves), or the reasons it is not. */
export type EndpointCheck = { ok: true; contractVersion: number } | { ok: false; reasons: string[] };

/**
 * Before the gateway routes patients' data to a new endpoint: it must answer in time,
 * speak GraphQL, and serve a schema that keeps every type, field and argument of the
 * contract (schema/region.graphql). Additions are fine; anything the contract has that
 * the endpoint lacks or changed is a reason to refuse.
 */
export async function checkRegionEndpoint(
  url: string,
  timeoutMs: number,
  sign: (body: string) => Record<string, string>,
  /** Proof of possession: the answer must be signed with the region's own secret over this request's fresh nonce. */
  checkAnswer: (sentHeaders: Record<string, string>, answerSignature: string | undefined, body: string) => boolean,
): Promise<EndpointCheck> {
  let body: unknown;
  try {
    const payload = JSON.stringify({ query: '{ _service { sdl } }' });
    const sent = sign(payload);
    const res = await request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...sent },
      body: payload,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.body.text();
    if (res.statusCode === 401) {
      return { ok: false, reasons: ["endpoint refused the gateway's signature: is its GATEWAY_SHARED_SECRET the secret for this region code?"] };
    }
    if (res.statusCode !== 200) return { ok: false, reasons: [`endpoint answered HTTP ${res.statusCode} to a schema request`] };
    const signature = res.headers[ANSWER_SIGNATURE_HEADER];
    if (!checkAnswer(sent, typeof signature === 'string' ? signature : undefined, text)) {
      return { ok: false, reasons: ["endpoint did not prove it holds this region's secret: its answer to the gateway's challenge is not signed with it"] };
    }
    body = JSON.parse(text);
  } catch (err) {
    const e = err as Error & { code?: string };
    if (e.name === 'TimeoutError' || e.name === 'AbortError') return { ok: false, reasons: [`endpoint did not answer within ${timeoutMs} ms`] };
    if (e instanceof SyntaxError) return { ok: false, reasons: ['endpoint did not answer with JSON: is it a GraphQL subgraph?'] };
    return { ok: false, reasons: [`endpoint is unreachable (${e.code ?? e.message})`] };
  }
  const sdl = (body as { data?: { _service?: { sdl?: unknown } } })?.data?._service?.sdl;
  if (typeof sdl !== 'string') return { ok: false, reasons: ['endpoint is not a federation subgraph: it does not answer _service { sdl }'] };
  let served;
  try {
    served = buildSubgraphSchema([{ typeDefs: parse(sdl) }]);
  } catch (err) {
    return { ok: false, reasons: [`endpoint serves an invalid subgraph schema: ${(err as Error).message}`] };
  }
  const breaking = findBreakingChanges(regionSubgraphSchema(), served);
  if (breaking.length === 0) return { ok: true, contractVersion: CONTRACT_VERSION };
  // A region still on the previous version is accepted during a rolling upgrade; the
  // reasons given are against the current version, which is what it should move to.
  if (findBreakingChanges(previousRegionSubgraphSchema(), served).length === 0) return { ok: true, contractVersion: PREVIOUS_CONTRACT_VERSION };
  return { ok: false, reasons: breaking.map((c) => `schema incompatible with the regional contract: ${c.description}`) };
}
