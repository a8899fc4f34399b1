import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SIGNATURE_HEADER } from '../../lib/security/gatewaySignature';
import { ANSWER_SIGNATURE_HEADER } from '../../lib/security/regionAnswerSignature';
import { answerHeaders } from '../../subgraphs/region/answerHeaders';

/** How a {@link startRegionProxy} misrepresents the region behind it. */
export interface RegionProxyOptions {
  /** Fail every membership read: a region whose summary can never be fetched. */
  failMembership?: boolean;
  /** Answer `_service { sdl }` with this SDL: a region still serving an older contract. */
  sdl?: string;
  /** The region's secret, to sign the substituted SDL answer as the region would. */
  secret?: string;
}

/** An HTTP proxy in front of a region that passes everything else through unchanged. */
export async function startRegionProxy(target: string, options: RegionProxyOptions): Promise<{ url: string; stop(): Promise<void> }> {
  const origin = new URL(target).origin;
  const server = http.createServer(async (req, res) => {
    if (options.failMembership && req.url?.startsWith('/membership')) {
      res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"membership unavailable"}');
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    if (options.sdl && body.includes('_service')) {
      const text = JSON.stringify({ data: { _service: { sdl: options.sdl } } });
      res.writeHead(200, { 'content-type': 'application/json', ...(options.secret ? answerHeaders(options.secret, req.headers[SIGNATURE_HEADER], text) : {}) }).end(text);
      return;
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'host' && k !== 'content-length') headers[k] = v;
    const answer = await fetch(`${origin}${req.url ?? '/'}`, { method: req.method ?? 'GET', headers, ...(body.length > 0 ? { body } : {}) });
    const signature = answer.headers.get(ANSWER_SIGNATURE_HEADER);
    res
      .writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json', ...(signature ? { [ANSWER_SIGNATURE_HEADER]: signature } : {}) })
      .end(Buffer.from(await answer.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
