import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../logger';
import { sendRefusal } from './createGraphQLHandler';
import { HTTP_ERRORS } from './httpErrors';
import { HTTP_DEFAULTS } from './httpDefaults';

/** Answers one request; `pathname` is the URL path without its query string. */
export type Route = (req: IncomingMessage, res: ServerResponse, pathname: string) => Promise<void>;

export interface HttpServerOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Each service states its own default (GATEWAY_DEFAULTS, REGION_DEFAULTS). */
  host: string;
  logger: Logger;
  /** Header, request, keep-alive and drain bounds. @defaultValue HTTP_DEFAULTS */
  timeouts?: Partial<HttpTimeouts>;
}

export type HttpTimeouts = { -readonly [K in keyof typeof HTTP_DEFAULTS]: number };

export interface RunningHttpServer {
  port: number;
  /** e.g. http://127.0.0.1:4000 (loopback when listening on every interface). */
  baseUrl: string;
  /**
   * Stops accepting, closes idle connections, answers requests in flight with
   * `connection: close`, and closes whatever is still open after the drain timeout.
   */
  close(): Promise<void>;
}

/**
 * The HTTP server both services run: one async route function, a route that throws becomes
 * a generic 500 (logged, nothing internal sent), keep-alive longer than common load
 * balancers' idle timeout so they never reuse a socket we are closing, and a bound on
 * everything a client controls: how long its headers and its whole request may take.
 */
export async function startHttpServer(route: Route, options: HttpServerOptions): Promise<RunningHttpServer> {
  const timeouts: HttpTimeouts = { ...HTTP_DEFAULTS, ...options.timeouts };
  let draining = false;
  const server = http.createServer({
    headersTimeout: timeouts.headersTimeoutMs,
    requestTimeout: timeouts.requestTimeoutMs,
    // Node checks the two bounds above on this period (default 30 s, which would let a slow
    // client hold a socket that much longer).
    connectionsCheckingInterval: Math.min(1000, timeouts.headersTimeoutMs),
  }, (req, res) => {
    // While draining, every answer closes its connection: keep-alive clients reconnect elsewhere.
    if (draining) res.setHeader('connection', 'close');
    route(req, res, (req.url ?? '/').split('?')[0] ?? '/').catch((err: unknown) => {
      options.logger.error({ err: (err as Error).message }, 'request failed');
      if (!res.headersSent) sendRefusal(res, { error: HTTP_ERRORS.INTERNAL_SERVER_ERROR, message: 'Internal error' });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = timeouts.keepAliveTimeoutMs;
  const { host } = options;
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, host, resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    baseUrl: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    close: async () => {
      draining = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const deadline = setTimeout(() => server.closeAllConnections(), timeouts.drainTimeoutMs);
      try {
        await closed;
      } finally {
        clearTimeout(deadline);
      }
    },
  };
}
