import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloGateway, LocalGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { GraphQLError, parse, type GraphQLFormattedError } from 'graphql';
import type { Pool } from 'pg';
import { regionSubgraphSchema } from '../lib/contract';
import { createGraphQLHandler, sendJson } from '../lib/http/createGraphQLHandler';
import type { Logger } from '../lib/logger';
import { checkArgumentsPlugin } from './checkArgumentsPlugin';
import { composeSupergraph, NATIONAL_SDL, SUBGRAPH } from './composeSupergraph';
import { GatewayErrorCode } from './errors';
import { FanOutDataSource } from './fanout/FanOutDataSource';
import type { GatewayContext } from './GatewayContext';
import { createIdeHandler } from './ide/createIdeHandler';
import type { IdeExample } from './ide/IdeExample';
import { createNationalResolvers } from './national/createNationalResolvers';
import { createGatewayMetrics, type GatewayMetrics } from './observability/createGatewayMetrics';
import { RegionRegistry } from './registry/RegionRegistry';
import { resolvePrincipal } from './resolvePrincipal';

/** Options for {@link createGatewayServer}. */
export interface GatewayServerOptions {
  /** The national database (registry), already migrated. */
  pool: Pool;
  logger: Logger;
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** Bearer token that registering archives present; null disables registration. */
  registrationToken: string | null;
  /** Time budget per region. Default 2000 ms. */
  regionTimeoutMs?: number;
  /** Registry re-read interval (other replicas' registrations). Default 5000 ms. */
  registryRefreshMs?: number;
  /** Circuit breaker: failures before opening, and how long it stays open. */
  breakerFailureThreshold?: number;
  breakerOpenMs?: number;
  /** Examples preloaded in the IDE. */
  ideExamples?: IdeExample[];
  /** Initial headers editor content in the IDE (a template such as {"Authorization": "Bearer "}). */
  ideDefaultHeaders?: string;
  maxBodyBytes?: number;
}

export interface RunningGateway {
  url: string;
  baseUrl: string;
  port: number;
  registry: RegionRegistry;
  metrics: GatewayMetrics;
  stop(): Promise<void>;
}

/** Errors raised by our own code or relayed from regions keep their message; anything unexpected is masked. */
function maskError(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = error instanceof GraphQLError ? error.originalError : error;
    const unexpected = original instanceof Error && !(original instanceof GraphQLError);
    if (!unexpected) {
      const { stacktrace: _ignored, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
    logger.error({ err: original.message, path: formatted.path }, 'internal error');
    return { message: 'Internal error in the national gateway', ...(formatted.path ? { path: formatted.path } : {}), extensions: { code: GatewayErrorCode.INTERNAL_SERVER_ERROR } };
  };
}

function metricsPlugin(metrics: GatewayMetrics, logger: Logger): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart(ctx) {
      const started = performance.now();
      return {
        async willSendResponse({ response, errors }) {
          const body = response.body.kind === 'single' ? response.body.singleResult : null;
          const hasErrors = (errors?.length ?? 0) > 0 || (body?.errors?.length ?? 0) > 0;
          const outcome = !hasErrors ? 'ok' : body?.data ? 'partial' : 'error';
          const seconds = (performance.now() - started) / 1000;
          metrics.requests.inc({ outcome });
          metrics.requestDuration.observe({ outcome }, seconds);
          logger.info(
            {
              requestId: ctx.contextValue.requestId,
              operation: ctx.operationName ?? null,
              outcome,
              ms: Math.round(seconds * 1000),
              errors: body?.errors?.map((e) => e.extensions?.code ?? 'UNKNOWN'),
            },
            'graphql request',
          );
        },
      };
    },
  };
}

/**
 * The national gateway: @apollo/gateway over a supergraph composed from schema/, with the
 * regional contract fanned out to every registered region, plus health, readiness,
 * Prometheus metrics and the analysts' IDE on the same port.
 */
export async function createGatewayServer(options: GatewayServerOptions): Promise<RunningGateway> {
  const { pool, logger } = options;
  const metrics = createGatewayMetrics();
  const registry = new RegionRegistry({
    pool,
    logger,
    refreshMs: options.registryRefreshMs ?? 5000,
    breaker: { failureThreshold: options.breakerFailureThreshold ?? 3, openMs: options.breakerOpenMs ?? 10_000 },
  });
  await registry.start();
  metrics.circuitOpen.reset();
  const fanOut = new FanOutDataSource({ registry, schema: regionSubgraphSchema(), logger, metrics, defaultTimeoutMs: options.regionTimeoutMs ?? 2000 });
  const national = new LocalGraphQLDataSource(buildSubgraphSchema([{ typeDefs: parse(NATIONAL_SDL), resolvers: createNationalResolvers(registry) as never }]));
  const gateway = new ApolloGateway({
    supergraphSdl: composeSupergraph(),
    buildService: ({ name }) => (name === SUBGRAPH.regions ? fanOut : national),
    logger,
  });
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    plugins: [ApolloServerPluginLandingPageDisabled(), checkArgumentsPlugin(), metricsPlugin(metrics, logger)],
    includeStacktraceInErrorResponses: false,
    formatError: maskError(logger),
  });
  await apollo.start();
  const handleGraphQL = createGraphQLHandler(apollo, {
    maxBodyBytes: options.maxBodyBytes ?? 256 * 1024,
    context: async (req) => ({ principal: resolvePrincipal(req, options.registrationToken), requestId: String(req.headers['x-request-id'] ?? randomUUID()) }),
  });
  const handleIde = createIdeHandler({
    graphqlPath: '/graphql',
    examples: options.ideExamples ?? [],
    ...(options.ideDefaultHeaders ? { defaultHeaders: options.ideDefaultHeaders } : {}),
  });

  const server = http.createServer((req, res) => {
    const pathname = (req.url ?? '/').split('?')[0];
    const route = async (): Promise<void> => {
      if (pathname === '/graphql') return handleGraphQL(req, res);
      if (handleIde(req, res)) return;
      switch (pathname) {
        case '/':
          res.writeHead(302, { location: '/ide' }).end();
          return;
        case '/healthz':
          return sendJson(res, 200, { status: 'ok' });
        case '/readyz': {
          try {
            await pool.query('SELECT 1');
          } catch {
            return sendJson(res, 503, { status: 'national database unreachable' });
          }
          const regions = registry.list();
          return sendJson(res, 200, { status: 'ready', regions: regions.length, skipped: regions.filter((r) => r.breaker.isOpen).map((r) => r.code) });
        }
        case '/metrics': {
          for (const r of registry.list()) metrics.circuitOpen.set({ region: r.code }, r.breaker.isOpen ? 1 : 0);
          const text = await metrics.registry.metrics();
          res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text);
          return;
        }
        default:
          return sendJson(res, 404, { error: 'not found' });
      }
    };
    route().catch((err: unknown) => {
      logger.error({ err: (err as Error).message }, 'request failed');
      if (!res.headersSent) sendJson(res, 500, { errors: [{ message: 'Internal error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 65_000;
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, host, resolve));
  const port = (server.address() as AddressInfo).port;
  const baseUrl = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
  logger.info({ url: `${baseUrl}/graphql` }, 'gateway listening');
  return {
    url: `${baseUrl}/graphql`,
    baseUrl,
    port,
    registry,
    metrics,
    stop: async () => {
      registry.stop();
      server.closeIdleConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await apollo.stop();
      await fanOut.close();
    },
  };
}
