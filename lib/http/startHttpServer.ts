import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../logger';
import { sendRefusal } from './createGraphQLHandler';
import { HTTP_ERRORS } from './httpErrors';

/** Answers one request; `pathname` is the URL path without its query string. */
export type Route = (req: IncomingMessage, res: ServerResponse, pathname: string) => Promise<void>;

export interface HttpServerOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Each service states its own default (GATEWAY_DEFAULTS, REGION_DEFAULTS). */
  host: string;
  logger: Logger;
}

export interface RunningHttpServer {
  port: number;
  /** e.g. http://127.0.0.1:4000 (loopback when listening on every interface). */
  baseUrl: string;
  /** Stops accepting, lets requests in flight finish. */
  close(): Promise<void>;
}

/**
 * The HTTP server both services run: one async route function, a route that throws becomes
 * a generic 500 (logged, nothing internal sent), keep-alive longer than common load
 * balancers' idle timeout so they never reuse a socket we are closing.
 */
export async function startHttpServer(route: Route, options: HttpServerOptions): Promise<RunningHttpServer> {
  const server = http.createServer((req, res) => {
    route(req, res, (req.url ?? '/').split('?')[0] ?? '/').catch((err: unknown) => {
      options.logger.error({ err: (err as Error).message }, 'request failed');
      if (!res.headersSent) sendRefusal(res, { error: HTTP_ERRORS.INTERNAL_SERVER_ERROR, message: 'Internal error' });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 65_000;
  const { host } = options;
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, host, resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    baseUrl: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    close: async () => {
      server.closeIdleConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
