import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';
import type { ErrorCodeDefinition } from '../errors/ErrorCodeDefinition';
import { HTTP_ERRORS } from './httpErrors';
import { requestErrorStatus } from './requestErrorStatus';

/** Options for {@link createGraphQLHandler}. */
export interface GraphQLHandlerOptions<TContext extends BaseContext> {
  /** Largest accepted request body in bytes; larger bodies get 413 before parsing. */
  maxBodyBytes: number;
  /** Builds the per-request context (fresh DataLoaders live here). */
  context: (req: IncomingMessage, rawBody: string) => Promise<TContext>;
  /**
   * Checks the request's headers before its body is read (the bearer token, the rate
   * limit): an anonymous caller never gets to make us buffer a body. A refusal is answered as is.
   */
  authorize?: (req: IncomingMessage) => Promise<Refusal | null>;
  /** Checks the raw request before GraphQL sees it (a signature over the body); a refusal is answered as is. */
  verify?: (req: IncomingMessage, rawBody: string) => Refusal | null | Promise<Refusal | null>;
  /**
   * A faster path for some requests (the region's compiled operations): the complete
   * answer body, always status 200 and `application/json; charset=utf-8`, or null to let
   * Apollo Server answer. Runs after `verify`.
   */
  execute?: (req: IncomingMessage, body: unknown, context: () => Promise<TContext>) => Promise<string | null>;
  /** Headers that sign a complete answer body (a region's answers to the gateway). */
  signAnswer?: (req: IncomingMessage, body: string) => Record<string, string>;
}

/** An HTTP-level refusal, sent as a GraphQL-shaped error body with the code's HTTP status. */
export interface Refusal {
  /** From the service's error registry. */
  error: ErrorCodeDefinition;
  message: string;
  headers?: Record<string, string>;
}

export function sendRefusal(res: ServerResponse, refusal: Refusal): void {
  for (const [k, v] of Object.entries(refusal.headers ?? {})) res.setHeader(k, v);
  sendJson(res, refusal.error.httpStatus, { errors: [refusal.error.formatted(refusal.message)] });
}

/** Thrown by {@link readBody} when a request body is larger than allowed. */
export class BodyTooLargeError extends Error {}

/**
 * Reads a request body as text, refusing more than `limit` bytes. Past the limit the rest
 * is read and thrown away rather than the connection reset, so the client gets its 413
 * (declared or chunked alike); the server's request timeout bounds how long that may take.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) {
      reject(new BodyTooLargeError(`request body exceeds ${limit} bytes`));
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        chunks.length = 0;
        req.off('data', onData);
        req.resume();
        reject(new BodyTooLargeError(`request body exceeds ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * Adapts Node's http server to ApolloServer.executeHTTPGraphQLRequest. Apollo Server 5
 * ships no framework binding of its own besides the standalone server, and we need
 * several routes (health, metrics, IDE) on one port, so this small adapter replaces
 * Express: no body-parser, one place that enforces the body size limit.
 */
export function createGraphQLHandler<TContext extends BaseContext>(
  server: ApolloServer<TContext>,
  options: GraphQLHandlerOptions<TContext>,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    const denied = (await options.authorize?.(req)) ?? null;
    if (denied) {
      // The body is never read: discard it, bounded by the server's request timeout.
      req.resume();
      sendRefusal(res, denied);
      return;
    }
    let raw = '';
    try {
      raw = req.method === 'POST' ? await readBody(req, options.maxBodyBytes) : '';
    } catch (err) {
      if (err instanceof BodyTooLargeError) {
        sendRefusal(res, { error: HTTP_ERRORS.PAYLOAD_TOO_LARGE, message: err.message });
        return;
      }
      throw err;
    }
    const refusal = (await options.verify?.(req, raw)) ?? null;
    if (refusal) {
      sendRefusal(res, refusal);
      return;
    }
    let body: unknown = undefined;
    if (raw !== '') {
      try {
        body = JSON.parse(raw);
      } catch {
        sendRefusal(res, { error: HTTP_ERRORS.BAD_REQUEST, message: 'request body is not valid JSON' });
        return;
      }
    }
    const fast = options.execute ? await options.execute(req, body, () => options.context(req, raw)) : null;
    if (fast !== null) {
      res.statusCode = 200;
      res.setHeader('content-type', 'application/json; charset=utf-8');
      for (const [key, value] of Object.entries(options.signAnswer?.(req, fast) ?? {})) res.setHeader(key, value);
      res.end(fast);
      return;
    }
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    const response = await server.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: (req.method ?? 'GET').toUpperCase(), headers, search: url.search, body },
      context: () => options.context(req, raw),
    });
    for (const [key, value] of response.headers) res.setHeader(key, value);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') {
      res.statusCode = requestErrorStatus(res.statusCode, req.headers.accept, response.body.string);
      for (const [key, value] of Object.entries(options.signAnswer?.(req, response.body.string) ?? {})) res.setHeader(key, value);
      res.end(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  };
}
