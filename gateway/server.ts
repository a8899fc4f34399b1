import type { IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';
import { ApolloGateway, LocalGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import type { Pool } from 'pg';
import { regionSubgraphSchema } from '../lib/contract';
import { createErrorMasker } from '../lib/http/createErrorMasker';
import { startHttpServer } from '../lib/http/startHttpServer';
import { createGraphQLHandler, sendJson, sendRefusal, type Refusal } from '../lib/http/createGraphQLHandler';
import type { Logger } from '../lib/logger';
import { checkArgumentsPlugin } from './checkArgumentsPlugin';
import { composeSupergraph, NATIONAL_SDL, SUBGRAPH } from './composeSupergraph';
import { GATEWAY_DEFAULTS } from './defaults';
import { GATEWAY_ERRORS } from './errors';
import { FanOutDataSource } from './fanout/FanOutDataSource';
import type { GatewayContext, User } from './GatewayContext';
import { createIdeHandler } from './ide/createIdeHandler';
import type { IdeExample } from './ide/IdeExample';
import { createNationalResolvers } from './national/createNationalResolvers';
import { createGatewayMetrics, type GatewayMetrics } from './observability/createGatewayMetrics';
import { RegionRegistry } from './registry/RegionRegistry';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import type { Authenticate } from '../lib/auth/createAuthenticator';
import { deriveRegionSecret, SIGNATURE_HEADER, signRequest } from '../lib/security/gatewaySignature';
import { AuditCollector } from './audit/AuditCollector';
import { auditPlugin } from './audit/auditPlugin';
import { AuditTrail } from './audit/AuditTrail';
import { AccessPolicy } from './auth/AccessPolicy';
import { accessPlugin } from './auth/accessPlugin';

/** Options for {@link createGatewayServer}. */
export interface GatewayServerOptions {
  /** The national database (registry), already migrated. */
  pool: Pool;
  logger: Logger;
  /** 0 (default) picks a free port. */
  port?: number;
  /** @defaultValue GATEWAY_DEFAULTS.host */
  host?: string;
  /** Verifies callers' JWTs; every GraphQL request needs a valid one. */
  authenticate: Authenticate;
  /** Master key from which each region's request-signing secret is derived. */
  regionSigningKey: string;
  /** Activity counts below this are never shown exactly. @defaultValue GATEWAY_DEFAULTS.suppressionThreshold */
  suppressionThreshold?: number;
  /** Requests per user per minute before RATE_LIMITED. @defaultValue GATEWAY_DEFAULTS.rateLimitPerMinute */
  rateLimitPerMinute?: number;
  /** Query limits enforced by graphql-armor. @defaultValue GATEWAY_DEFAULTS.maxDepth, maxCost, maxAliases, maxTokens */
  limits?: { maxDepth?: number; maxCost?: number; maxAliases?: number; maxTokens?: number };
  /** Time budget per region unless its registration sets one, ms. @defaultValue GATEWAY_DEFAULTS.regionTimeoutMs */
  regionTimeoutMs?: number;
  /**
   * Largest `timeoutMs` an archive may register for its own region (administrators may set
   * more): a longer budget makes every national query wait longer. @defaultValue regionTimeoutMs
   */
  maxArchiveTimeoutMs?: number;
  /** Registry re-read interval (other replicas' registrations), ms. @defaultValue GATEWAY_DEFAULTS.registryRefreshMs */
  registryRefreshMs?: number;
  /** Circuit breaker: failures before opening, and how long it stays open. @defaultValue GATEWAY_DEFAULTS.breakerFailureThreshold, breakerOpenMs */
  breakerFailureThreshold?: number;
  breakerOpenMs?: number;
  /** Examples preloaded in the IDE. */
  ideExamples?: IdeExample[];
  /** Initial headers editor content in the IDE (a template such as {"Authorization": "Bearer "}). */
  ideDefaultHeaders?: string;
  /** @defaultValue GATEWAY_DEFAULTS.maxBodyBytes */
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
  // One signer for every request to a region (fan-out and registration checks); each
  // region's secret is derived once, not per request.
  const secrets = new Map<string, string>();
  const signFor = (code: string, body: string) => {
    let secret = secrets.get(code);
    if (!secret) secrets.set(code, (secret = deriveRegionSecret(options.regionSigningKey, code)));
    return { [SIGNATURE_HEADER]: signRequest(secret, body) };
  };
  const registry = new RegionRegistry({
    pool,
    logger,
    signFor,
    ...(options.registryRefreshMs !== undefined ? { refreshMs: options.registryRefreshMs } : {}),
    breaker: { failureThreshold: options.breakerFailureThreshold, openMs: options.breakerOpenMs },
  });
  await registry.start();
  const fanOut = new FanOutDataSource({
    registry,
    schema: regionSubgraphSchema(),
    logger,
    metrics,
    defaultTimeoutMs: options.regionTimeoutMs,
    suppressionThreshold: options.suppressionThreshold,
    regionHeaders: (region, body) => signFor(region.code, body),
  });
  const trail = new AuditTrail(pool);
  const national = new LocalGraphQLDataSource(buildSubgraphSchema([{ typeDefs: parse(NATIONAL_SDL), resolvers: createNationalResolvers(registry, trail, logger, options.maxArchiveTimeoutMs ?? options.regionTimeoutMs ?? GATEWAY_DEFAULTS.regionTimeoutMs) as never }]));
  const supergraphSdl = composeSupergraph();
  const policy = AccessPolicy.fromSupergraph(supergraphSdl);
  const armor = new ApolloArmor({
    maxDepth: { n: options.limits?.maxDepth ?? GATEWAY_DEFAULTS.maxDepth },
    costLimit: { maxCost: options.limits?.maxCost ?? GATEWAY_DEFAULTS.maxCost },
    maxAliases: { n: options.limits?.maxAliases ?? GATEWAY_DEFAULTS.maxAliases },
    maxTokens: { n: options.limits?.maxTokens ?? GATEWAY_DEFAULTS.maxTokens },
    maxDirectives: { n: 20 },
    blockFieldSuggestion: { enabled: true },
  }).protect();
  const limiter = new RateLimiterMemory({ points: options.rateLimitPerMinute ?? GATEWAY_DEFAULTS.rateLimitPerMinute, duration: 60 });
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name }) => (name === SUBGRAPH.regions ? fanOut : national),
    logger,
  });
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    // Our entry point owns shutdown (lib/process); Apollo's own handler would race it.
    stopOnTerminationSignals: false,
    // Apollo turns introspection off when NODE_ENV=production; the IDE needs it, and only
    // authenticated callers ever reach this server.
    introspection: true,
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      ...(armor.plugins as ApolloServerPlugin<GatewayContext>[]),
      accessPlugin(policy),
      checkArgumentsPlugin(),
      auditPlugin(trail, logger),
      metricsPlugin(metrics, logger),
    ],
    validationRules: armor.validationRules,
    allowBatchedHttpRequests: false,
    includeStacktraceInErrorResponses: false,
    formatError: createErrorMasker(logger, 'Internal error in the national gateway'),
  });
  await apollo.start();
  const users = new WeakMap<IncomingMessage, User>();
  const handleGraphQL = createGraphQLHandler(apollo, {
    maxBodyBytes: options.maxBodyBytes ?? GATEWAY_DEFAULTS.maxBodyBytes,
    // Every GraphQL request needs a verified token: refused here, before parsing, so an
    // anonymous or forged caller never reaches planning, let alone a region.
    verify: async (req): Promise<Refusal | null> => {
      const principal = await options.authenticate(req);
      switch (principal.kind) {
        case 'user':
          break;
        case 'anonymous':
          return { error: GATEWAY_ERRORS.UNAUTHENTICATED, message: 'a bearer token is required', headers: { 'www-authenticate': 'Bearer' } };
        case 'invalid':
          return { error: GATEWAY_ERRORS.UNAUTHENTICATED, message: principal.reason, headers: { 'www-authenticate': 'Bearer error="invalid_token"' } };
        default: {
          const never: never = principal;
          throw new Error(`unknown principal ${String(never)}`);
        }
      }
      try {
        await limiter.consume(principal.user.id);
      } catch {
        return { error: GATEWAY_ERRORS.RATE_LIMITED, message: 'too many requests from this user; slow down', headers: { 'retry-after': '60' } };
      }
      users.set(req, principal.user);
      return null;
    },
    context: async (req) => {
      const user = users.get(req);
      if (!user) throw new Error('request reached GraphQL without a verified user');
      // Always ours: the audit trail's request id must not be chosen by the caller.
      return { user, requestId: randomUUID(), audit: new AuditCollector() };
    },
  });
  const handleIde = createIdeHandler({
    graphqlPath: '/graphql',
    examples: options.ideExamples ?? [],
    ...(options.ideDefaultHeaders ? { defaultHeaders: options.ideDefaultHeaders } : {}),
  });

  const server = await startHttpServer(async (req, res, pathname) => {
    if (pathname === '/graphql') {
      // POST only: a GET would put NHS numbers into URLs, and so into proxy and access logs.
      if (req.method !== 'POST') {
        res.setHeader('allow', 'POST');
        return sendRefusal(res, { error: GATEWAY_ERRORS.METHOD_NOT_ALLOWED, message: 'use POST for GraphQL requests' });
      }
      return handleGraphQL(req, res);
    }
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
  }, { port: options.port, host: options.host ?? GATEWAY_DEFAULTS.host, logger });
  const { port, baseUrl } = server;
  logger.info({ url: `${baseUrl}/graphql` }, 'gateway listening');
  return {
    url: `${baseUrl}/graphql`,
    baseUrl,
    port,
    registry,
    metrics,
    stop: async () => {
      registry.stop();
      await server.close();
      await apollo.stop();
      await fanOut.close();
    },
  };
}
