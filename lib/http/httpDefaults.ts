/**
 * Bounds on every HTTP server both services run (lib/http/startHttpServer.ts), stated once.
 * A client that sends its headers or body slowly, or keeps a connection open, holds a
 * socket and memory: each of these limits it.
 */
export const HTTP_DEFAULTS = {
  /** Whole request headers must arrive within this, ms. */
  headersTimeoutMs: 10_000,
  /** The whole request (headers and body) must arrive within this, ms. */
  requestTimeoutMs: 30_000,
  /** Idle keep-alive connections close after this; longer than common load balancers' idle timeout. */
  keepAliveTimeoutMs: 65_000,
  /** On shutdown, requests in flight get this long to finish before connections are closed, ms. */
  drainTimeoutMs: 10_000,
} as const;
