import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApolloServer } from '@apollo/server';
import { BodyTooLargeError, readBody, type Refusal } from '../../lib/http/createGraphQLHandler';
import type { Logger } from '../../lib/logger';
import type { RequestGate } from '../auth/createRequestGate';
import type { GatewayContext } from '../GatewayContext';
import { capabilityStatement } from './capabilityStatement';
import { executeGatewayOperation } from './executeGatewayOperation';
import { fhirFailure, operationOutcome, type FhirFailure } from './FhirFailure';
import { parseImagingStudySearch } from './parseImagingStudySearch';
import { readImagingStudy } from './readImagingStudy';
import { searchImagingStudies } from './searchImagingStudies';
import { sendFhir } from './sendFhir';

/** Options for {@link createFhirHandler}: the GraphQL path's own server, gate and context. */
export interface FhirHandlerOptions {
  apollo: ApolloServer<GatewayContext>;
  /** The GraphQL path's gate (bearer token, per-user rate limit) and the context it builds for a verified request. */
  gate: RequestGate;
  logger: Logger;
  /** Largest accepted form body for POST _search. */
  maxBodyBytes: number;
}

type Route =
  | { kind: 'metadata' }
  | { kind: 'search'; via: 'GET' | 'POST' }
  | { kind: 'read'; id: string }
  | { kind: 'failure'; failure: FhirFailure };

function route(method: string, pathname: string): Route {
  const methodNotAllowed = (allow: string): Route => ({ kind: 'failure', failure: fhirFailure(405, 'not-supported', `use ${allow} here`, { allow }) });
  if (pathname === '/fhir/metadata') return method === 'GET' ? { kind: 'metadata' } : methodNotAllowed('GET');
  if (pathname === '/fhir/ImagingStudy') return method === 'GET' ? { kind: 'search', via: 'GET' } : methodNotAllowed('GET');
  if (pathname === '/fhir/ImagingStudy/_search') return method === 'POST' ? { kind: 'search', via: 'POST' } : methodNotAllowed('POST');
  const read = /^\/fhir\/ImagingStudy\/([A-Za-z0-9\-.]{1,64})$/.exec(pathname);
  // Ids are [A-Za-z0-9-.] (never percent-encoded), so anything else is no id of ours.
  if (read) return method === 'GET' ? { kind: 'read', id: read[1]! } : methodNotAllowed('GET');
  if (/^\/fhir\/ImagingStudy\/[^/]+$/.test(pathname)) {
    return { kind: 'failure', failure: fhirFailure(404, 'not-found', 'That is not an ImagingStudy id') };
  }
  return { kind: 'failure', failure: fhirFailure(404, 'not-supported', 'Only ImagingStudy (read, search) and metadata are served') };
}

function fromRefusal(refusal: Refusal): FhirFailure {
  const status = refusal.error.httpStatus;
  const code = status === 401 ? 'login' : status === 429 ? 'throttled' : status === 403 ? 'forbidden' : 'exception';
  return fhirFailure(status, code, refusal.message, refusal.headers);
}

/** The FHIR base URL as the caller reached it (for fullUrl and links); a malformed Host is not echoed. */
function baseOf(req: IncomingMessage): string {
  const host = req.headers.host && /^[A-Za-z0-9.\-:[\]]{1,255}$/.test(req.headers.host) ? req.headers.host : 'localhost';
  const proto = req.headers['x-forwarded-proto'] === 'https' ? 'https' : 'http';
  return `${proto}://${host}/fhir`;
}

/** What one FHIR request is answered with. */
interface Reply {
  status: number;
  resource: unknown;
  headers?: Record<string, string>;
}

const fromFailure = (failure: FhirFailure): Reply => ({ status: failure.status, resource: operationOutcome(failure.issues), ...(failure.headers ? { headers: failure.headers } : {}) });

/**
 * The FHIR R4 API at /fhir: ImagingStudy search (GET, and POST _search with a form body so
 * NHS numbers can stay out of URLs), read, and the CapabilityStatement. Every data request
 * passes the GraphQL path's gate, then runs GraphQL operations through the same Apollo
 * server with the same context. Logs one line per request without its URL or parameters,
 * which may hold NHS numbers.
 */
export function createFhirHandler(options: FhirHandlerOptions): (req: IncomingMessage, res: ServerResponse, pathname: string) => Promise<void> {
  const answer = async (req: IncomingMessage, target: Route, onContext: (c: GatewayContext) => void): Promise<Reply> => {
    switch (target.kind) {
      case 'failure':
        return fromFailure(target.failure);
      case 'metadata':
        return { status: 200, resource: capabilityStatement(baseOf(req)) };
      case 'search':
      case 'read':
        break;
      default: {
        const never: never = target;
        throw new Error(`unknown route ${String(never)}`);
      }
    }
    let raw = '';
    if (target.kind === 'search' && target.via === 'POST') {
      if (!String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
        req.resume();
        return fromFailure(fhirFailure(415, 'not-supported', 'POST _search takes a form body (application/x-www-form-urlencoded)'));
      }
      try {
        raw = await readBody(req, options.maxBodyBytes);
      } catch (err) {
        if (err instanceof BodyTooLargeError) return fromFailure(fhirFailure(413, 'too-long', err.message));
        throw err;
      }
    }
    const refusal = await options.gate.verify(req);
    if (refusal) return fromFailure(fromRefusal(refusal));
    const contextValue = await options.gate.context(req);
    onContext(contextValue);
    const execute = executeGatewayOperation(options.apollo, contextValue);
    if (target.kind === 'read') {
      const result = await readImagingStudy(execute, target.id);
      return result.kind === 'failure' ? fromFailure(result.failure) : { status: 200, resource: result.resource };
    }
    const params = [...new URL(req.url ?? '/', 'http://localhost').searchParams, ...new URLSearchParams(raw)];
    const lenient = /\bhandling\s*=\s*lenient\b/i.test(String(req.headers.prefer ?? ''));
    const parsed = parseImagingStudySearch(params, lenient);
    if (!parsed.ok) return fromFailure(parsed.failure);
    const own = contextValue.user.role === 'PATIENT' ? (contextValue.user.nhsNumber ?? null) : null;
    const result = await searchImagingStudies(execute, parsed.search, baseOf(req), own);
    return result.kind === 'failure' ? fromFailure(result.failure) : { status: 200, resource: result.bundle };
  };

  return async (req, res, pathname) => {
    const started = performance.now();
    const target = route((req.method ?? 'GET').toUpperCase(), pathname);
    let requestId: string | null = null;
    let reply: Reply;
    try {
      reply = await answer(req, target, (c) => (requestId = c.requestId));
    } catch (err) {
      // A bug, not a caller's mistake: logged by message only (never the URL), answered generically.
      options.logger.error({ requestId, err: (err as Error).message }, 'fhir request failed');
      reply = fromFailure(fhirFailure(500, 'exception', 'Internal error in the national gateway'));
    }
    sendFhir(res, reply.status, reply.resource, reply.headers);
    options.logger.info({ requestId, interaction: target.kind, status: reply.status, ms: Math.round(performance.now() - started) }, 'fhir request');
  };
}
