import { createDeferred } from '../../lib/async/createDeferred';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { ApolloServer } from '@apollo/server';
import { AuditCollector } from '../../gateway/audit/AuditCollector';
import { GATEWAY_ERRORS } from '../../gateway/errors';
import { createFhirHandler } from '../../gateway/fhir/createFhirHandler';
import type { GatewayContext } from '../../gateway/GatewayContext';
import type { Refusal } from '../../lib/http/createGraphQLHandler';
import type { Logger } from '../../lib/logger';
import { expectValidFhir } from '../support/fhirSchema';

const NHS_QUERY = 'patient:identifier=https://fhir.nhs.uk/Id/nhs-number|9990000018';

/** The handler in-process: fake request, response, gate, Apollo server and logger. */
async function call(method: string, url: string, options: { refusal?: Refusal; execute?: () => Promise<unknown> } = {}) {
  const logged: unknown[] = [];
  const logger = { info: (o: unknown) => logged.push(o), error: (o: unknown) => logged.push(o) } as unknown as Logger;
  const apollo = { executeOperation: options.execute ?? (async () => ({ body: { kind: 'single', singleResult: { data: null } } })) } as unknown as ApolloServer<GatewayContext>;
  const handler = createFhirHandler({
    apollo,
    gate: {
      verify: async () => options.refusal ?? null,
      context: async () => ({ user: { id: 'u', role: 'CLINICIAN', organisation: null, region: null, purposeOfUse: 'DIRECT_CARE', purposeSource: 'TOKEN' }, requestId: 'req-1', audit: new AuditCollector(), auditSettled: createDeferred() }),
    },
    logger,
    maxBodyBytes: 1024,
  });
  const req = Object.assign(Readable.from([]), { method, url, headers: { host: 'gw.example' } }) as unknown as IncomingMessage;
  const reply = { status: 0, headers: {} as Record<string, unknown>, body: '' };
  const res = {
    writeHead(status: number, headers: Record<string, unknown>) {
      reply.status = status;
      reply.headers = headers;
      return this;
    },
    end(text: string) {
      reply.body = text;
    },
  } as unknown as ServerResponse;
  await handler(req, res, url.split('?')[0]!);
  const body = JSON.parse(reply.body) as { issue?: Array<{ code: string; diagnostics: string }> };
  expectValidFhir(body);
  return { ...reply, body, logged };
}

describe('the FHIR HTTP handler', () => {
  it('answers an unexpected failure with a generic 500 OperationOutcome, and logs neither URL nor parameters', async () => {
    const res = await call('GET', `/fhir/ImagingStudy?${NHS_QUERY}`, { execute: () => Promise.reject(new Error('socket hang up')) });
    expect(res.status).toBe(500);
    expect(res.headers['content-type']).toBe('application/fhir+json; charset=utf-8');
    expect(res.body.issue).toEqual([{ severity: 'error', code: 'exception', diagnostics: 'Internal error in the national gateway' }]);
    expect(res.logged).toEqual([
      { requestId: 'req-1', err: 'socket hang up' },
      { requestId: 'req-1', interaction: 'search', status: 500, ms: expect.any(Number) },
    ]);
  });

  it("answers the gate's refusal with its status and headers, before any operation runs", async () => {
    let ran = false;
    const refusal = { error: GATEWAY_ERRORS.RATE_LIMITED, message: 'slow down', headers: { 'retry-after': '60' } };
    const res = await call('GET', `/fhir/ImagingStudy?${NHS_QUERY}`, { refusal, execute: async () => ((ran = true), {}) });
    expect([res.status, res.headers['retry-after'], res.body.issue?.[0]?.code, ran]).toEqual([429, '60', 'throttled', false]);
  });

  it.each([
    ['GET', '/fhir/Patient', 404, 'not-supported'],
    ['GET', '/fhir', 404, 'not-supported'],
    ['PUT', '/fhir/ImagingStudy/u1234', 405, 'not-supported'],
    ['GET', '/fhir/ImagingStudy/_search', 405, 'not-supported'],
    ['POST', '/fhir/metadata', 405, 'not-supported'],
  ])('answers %s %s with %i', async (method, url, status, code) => {
    const res = await call(method, url);
    expect([res.status, res.body.issue?.[0]?.code]).toEqual([status, code]);
  });
});
