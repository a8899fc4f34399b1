import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ANSWER_SIGNATURE_HEADER } from '../../lib/security/regionAnswerSignature';

/**
 * A real HTTP server in front of a region that holds every answer for `delayMs`: a slow
 * region, for testing time budgets, without any test hook in the region itself.
 */
export async function startDelayProxy(
  targetUrl: string,
  delayMs: number,
): Promise<{ url: string; /** Resolves once a query (not the registration check) has arrived. */ queryArrived: Promise<void>; stop(): Promise<void> }> {
  const target = new URL(targetUrl);
  let arrived: () => void = () => undefined;
  const queryArrived = new Promise<void>((resolve) => {
    arrived = resolve;
  });
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (!Buffer.concat(chunks).toString().includes('_service')) arrived();
      const upstream = http.request(
        { host: target.hostname, port: target.port, path: target.pathname, method: req.method, headers: { ...req.headers, host: target.host } },
        (answer) => {
          const body: Buffer[] = [];
          answer.on('data', (c: Buffer) => body.push(c));
          answer.on('end', () => {
            const isSchemaCheck = Buffer.concat(chunks).toString().includes('_service');
            setTimeout(() => {
              if (res.destroyed) return;
              const signature = answer.headers[ANSWER_SIGNATURE_HEADER];
              res.writeHead(answer.statusCode ?? 502, { 'content-type': answer.headers['content-type'] ?? 'application/json', ...(signature ? { [ANSWER_SIGNATURE_HEADER]: signature } : {}) });
              res.end(Buffer.concat(body));
            }, isSchemaCheck ? 0 : delayMs);
          });
        },
      );
      upstream.on('error', () => res.destroy());
      upstream.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}${target.pathname}`,
    queryArrived,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
