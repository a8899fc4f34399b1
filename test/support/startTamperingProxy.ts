import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ANSWER_SIGNATURE_HEADER } from '../../lib/security/regionAnswerSignature';

/** What a {@link startTamperingProxy} does to the region's answers. */
export type TamperMode = 'pass' | 'rewrite' | 'strip';

/**
 * A man in the middle (or a swapped endpoint) in front of a real region: passes answers on,
 * or rewrites their bodies (keeping the region's signature header), or drops the signature.
 */
export async function startTamperingProxy(target: string): Promise<{ url: string; mode: TamperMode; stop(): Promise<void> }> {
  const origin = new URL(target).origin;
  const state = { mode: 'pass' as TamperMode };
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'host' && k !== 'content-length') headers[k] = v;
    const body = Buffer.concat(chunks);
    const answer = await fetch(`${origin}${req.url ?? '/'}`, { method: req.method ?? 'GET', headers, ...(body.length > 0 ? { body } : {}) });
    let text = await answer.text();
    const signature = answer.headers.get(ANSWER_SIGNATURE_HEADER);
    const out: Record<string, string> = { 'content-type': answer.headers.get('content-type') ?? 'application/json' };
    if (state.mode !== 'strip' && signature) out[ANSWER_SIGNATURE_HEADER] = signature;
    // Fabricated retrieve links: where an attacker would send clinicians' viewers.
    if (state.mode === 'rewrite') text = text.replace(/https:\/\/pacs\.[a-z]+\.example\.nhs\.uk/g, 'https://attacker.example');
    res.writeHead(answer.status, out).end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    get mode() {
      return state.mode;
    },
    set mode(m: TamperMode) {
      state.mode = m;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
