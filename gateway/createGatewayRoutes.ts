import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Pool } from 'pg';
import type { AuditTrail } from './audit/AuditTrail';
import { withDeadline } from '../lib/async/withDeadline';
import { sendJson, sendRefusal } from '../lib/http/createGraphQLHandler';
import { GATEWAY_ERRORS } from './errors';
import type { GatewayMetrics } from './observability/createGatewayMetrics';
import type { RegionRegistry } from './registry/RegionRegistry';
import type { PatientLocator } from './locator/PatientLocator';
import { PUBLISH_PATH } from '../lib/locator/membershipProtocol';

/** A readiness probe answers within this even when the database does not. */
const READINESS_BUDGET_MS = 2000;

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** What the gateway's routes serve. */
export interface GatewayRouteTargets {
  pool: Pool;
  /** Readiness includes whether an audit row could be written now. */
  trail: Pick<AuditTrail, 'probe'>;
  registry: RegionRegistry;
  metrics: GatewayMetrics;
  graphql: Handler;
  /** The FHIR R4 API under /fhir (gateway/fhir). */
  fhir: (req: IncomingMessage, res: ServerResponse, pathname: string) => Promise<void>;
  /** Answers IDE paths; false for anything else. */
  ide: (req: IncomingMessage, res: ServerResponse) => boolean;
  /** Regions' membership publications. */
  publish: Handler;
  /** For readiness: which regions' summaries are fresh; null when routing is off. */
  locator: PatientLocator | null;
  /** The IDE's sign-in routes (/ide/auth/*), when sign-in is configured; false for other paths. */
  session?: (req: IncomingMessage, res: ServerResponse, pathname: string) => Promise<boolean>;
}

/** The gateway's HTTP routes on one port: GraphQL, FHIR, membership publications, the IDE, health, readiness and metrics. */
export function createGatewayRoutes(targets: GatewayRouteTargets) {
  const { pool, registry, metrics } = targets;
  return async (req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> => {
    if (pathname === '/graphql') {
      // POST only: a GET would put NHS numbers into URLs, and so into proxy and access logs.
      if (req.method !== 'POST') {
        res.setHeader('allow', 'POST');
        return sendRefusal(res, { error: GATEWAY_ERRORS.METHOD_NOT_ALLOWED, message: 'use POST for GraphQL requests' });
      }
      return targets.graphql(req, res);
    }
    if (pathname === PUBLISH_PATH) return targets.publish(req, res);
    if (pathname === '/fhir' || pathname.startsWith('/fhir/')) return targets.fhir(req, res, pathname);
    if (targets.session && (await targets.session(req, res, pathname))) return;
    if (targets.ide(req, res)) return;
    switch (pathname) {
      case '/':
        res.writeHead(302, { location: '/ide' }).end();
        return;
      case '/healthz':
        return sendJson(res, 200, { status: 'ok' });
      case '/readyz': {
        try {
          await withDeadline(pool.query('SELECT 1'), READINESS_BUDGET_MS, 'readiness check');
        } catch {
          return sendJson(res, 503, { status: 'national database unreachable' });
        }
        // Patient data is released only with an audit row: a trail that cannot take one now is not ready.
        if (!(await targets.trail.probe())) return sendJson(res, 503, { status: 'audit trail cannot be written' });
        const regions = registry.list();
        const { locator } = targets;
        return sendJson(res, 200, {
          status: 'ready',
          regions: regions.length,
          skipped: regions.filter((r) => r.breaker.isOpen).map((r) => r.code),
          // A region whose summary is not fresh is asked about every patient.
          locator: locator ? { notifications: locator.notificationsHealthy, regions: locator.status().map(({ code, fresh, appliedSeq }) => ({ code, fresh, appliedSeq })) } : null,
        });
      }
      case '/metrics': {
        const text = await metrics.registry.metrics();
        res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text);
        return;
      }
      default:
        return sendJson(res, 404, { error: 'not found' });
    }
  };
}
