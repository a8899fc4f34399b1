import { ApolloGateway, LocalGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { parse } from 'graphql';
import type { Pool } from 'pg';
import type { Authenticate } from '../lib/auth/createAuthenticator';
import { regionSubgraphSchema } from '../lib/contract';
import { createErrorMasker } from '../lib/http/createErrorMasker';
import { createGraphQLHandler } from '../lib/http/createGraphQLHandler';
import { startHttpServer, type HttpTimeouts } from '../lib/http/startHttpServer';
import type { Logger } from '../lib/logger';
import { auditPlugin } from './audit/auditPlugin';
import { AuditTrail } from './audit/AuditTrail';
import { AccessPolicy } from './auth/AccessPolicy';
import { accessPlugin } from './auth/accessPlugin';
import { createRequestGate } from './auth/createRequestGate';
import { createSharedRateLimiter } from './auth/createSharedRateLimiter';
import { createPatientLocator, type LocatorSettings } from './locator/createPatientLocator';
import { checkArgumentsPlugin } from './checkArgumentsPlugin';
import { operationPlugin } from './operationPlugin';
import { composeSupergraph, NATIONAL_SDL, SUBGRAPH } from './composeSupergraph';
import { createGatewayRoutes } from './createGatewayRoutes';
import { GATEWAY_DEFAULTS } from './defaults';
import { FanOutDataSource } from './fanout/FanOutDataSource';
import type { GatewayContext } from './GatewayContext';
import { createFhirHandler } from './fhir/createFhirHandler';
import { createIdeHandler } from './ide/createIdeHandler';
import type { IdeExample } from './ide/IdeExample';
import { examplesForRole } from './ide/roleExamples';
import { PATIENT_ACCESS_SDL, withPatientAccess } from './patient/withPatientAccess';
import { createIdeSignIn } from './session/createIdeSignIn';
import { CSRF_HEADER } from './session/createSessionAuthenticator';
import { LOGIN_PATH, LOGOUT_PATH } from './session/createSessionRoutes';
import type { IdeSignInSettings } from './session/IdeSignInSettings';
import { createNationalResolvers } from './national/createNationalResolvers';
import { createGatewayMetrics, type GatewayMetrics } from './observability/createGatewayMetrics';
import { metricsPlugin } from './observability/metricsPlugin';
import { createRegionSigner } from './registry/createRegionSigner';
import { createAnswerChecker } from './registry/createAnswerChecker';
import { purposeBound, SIGNATURE_PURPOSE } from '../lib/locator/membershipProtocol';
import { RegistryAuditTrail } from './audit/RegistryAuditTrail';
import { recordRegistryDenials } from './audit/recordRegistryDenials';
import { RegionRegistry } from './registry/RegionRegistry';

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
  /** Region key ids, comma-separated: the first signs, all are accepted. @defaultValue GATEWAY_DEFAULTS.regionKeyIds */
  regionKeyIds?: string;
  /** Activity counts below this are never shown exactly. @defaultValue GATEWAY_DEFAULTS.suppressionThreshold */
  suppressionThreshold?: number;
  /** Requests per user per minute before RATE_LIMITED. @defaultValue GATEWAY_DEFAULTS.rateLimitPerMinute */
  rateLimitPerMinute?: number;
  /** Share of the limit (%) a replica claims from the national database at once; 0 claims one request at a time. @defaultValue GATEWAY_DEFAULTS.rateLimitLeasePercent */
  rateLimitLeasePercent?: number;
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
  /** Header, request, keep-alive and drain bounds of the HTTP server. @defaultValue HTTP_DEFAULTS (lib/http/httpDefaults.ts) */
  httpTimeouts?: Partial<HttpTimeouts>;
  /** How long an audit write may take before the answer is withheld (503 AUDIT_UNAVAILABLE), ms. @defaultValue GATEWAY_DEFAULTS.auditTimeoutMs */
  auditTimeoutMs?: number;
  /**
   * Sign-in for the IDE with OpenID Connect (gateway/session/): the gateway completes the
   * flow as a confidential client and keeps the tokens; the browser holds a session cookie.
   * Without it, IDE users paste a bearer token.
   */
  signIn?: IdeSignInSettings;
  /** The 999-range test number in the role examples of signed-in users. @defaultValue GATEWAY_DEFAULTS.ideExampleNhsNumber */
  ideExampleNhsNumber?: string;
  /**
   * The patient locator (gateway/locator/): its key, lease, poll interval and filter size.
   * `false` turns routing off: every patient fetch goes to every region.
   */
  locator?: false | LocatorSettings;
}

export interface RunningGateway {
  url: string;
  baseUrl: string;
  port: number;
  registry: RegionRegistry;
  metrics: GatewayMetrics;
  stop(): Promise<void>;
}


/**
 * The national gateway: @apollo/gateway over a supergraph composed from schema/, with the
 * regional contract fanned out to every registered region, plus health, readiness,
 * Prometheus metrics and the analysts' IDE on the same port.
 */
export async function createGatewayServer(options: GatewayServerOptions): Promise<RunningGateway> {
  const { pool, logger } = options;
  const keyIds = (options.regionKeyIds ?? GATEWAY_DEFAULTS.regionKeyIds).split(',').map((k) => k.trim()).filter((k) => k !== '');
  const signFor = createRegionSigner(options.regionSigningKey, keyIds[0]);
  const checkAnswer = createAnswerChecker(options.regionSigningKey);
  const registry = new RegionRegistry({
    pool,
    logger,
    signFor,
    checkAnswer,
    ...(options.registryRefreshMs !== undefined ? { refreshMs: options.registryRefreshMs } : {}),
    breaker: { failureThreshold: options.breakerFailureThreshold, openMs: options.breakerOpenMs },
  });
  await registry.start();
  const metrics = createGatewayMetrics(() => registry.list());
  const { locator, handlePublish } = await createPatientLocator({ pool, logger, registry, signFor, checkAnswer, keyIds, masterKey: options.regionSigningKey, settings: options.locator ?? {} });
  const fanOut = new FanOutDataSource({
    registry,
    schema: regionSubgraphSchema(),
    logger,
    metrics,
    defaultTimeoutMs: options.regionTimeoutMs,
    suppressionThreshold: options.suppressionThreshold,
    regionHeaders: (region, body) => signFor(region.code, purposeBound(SIGNATURE_PURPOSE.graphql, body)),
    checkAnswer: (region, sent, signature, body) => checkAnswer(region.code, sent, signature, body),
    ...(locator ? { locator } : {}),
  });
  const registryTrail = new RegistryAuditTrail(pool);
  const trail = new AuditTrail(pool, options.auditTimeoutMs ?? GATEWAY_DEFAULTS.auditTimeoutMs);
  const maxArchiveTimeoutMs = options.maxArchiveTimeoutMs ?? options.regionTimeoutMs ?? GATEWAY_DEFAULTS.regionTimeoutMs;
  const national = new LocalGraphQLDataSource(buildSubgraphSchema([{ typeDefs: parse(NATIONAL_SDL), resolvers: createNationalResolvers(registry, trail, registryTrail, logger, maxArchiveTimeoutMs) as never }]));
  const supergraphSdl = composeSupergraph();
  const policy = AccessPolicy.fromSupergraph(`${supergraphSdl}\n${PATIENT_ACCESS_SDL}`);
  const armor = new ApolloArmor({
    maxDepth: { n: options.limits?.maxDepth ?? GATEWAY_DEFAULTS.maxDepth },
    costLimit: { maxCost: options.limits?.maxCost ?? GATEWAY_DEFAULTS.maxCost },
    maxAliases: { n: options.limits?.maxAliases ?? GATEWAY_DEFAULTS.maxAliases },
    // graphql-armor's token limit re-parses in a hook, where a syntax error became a 500;
    // graphql-js enforces the same limit while parsing (parseOptions below): a clean 400.
    maxTokens: { enabled: false },
    maxDirectives: { n: 20 },
    blockFieldSuggestion: { enabled: true },
  }).protect();
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name }) => (name === SUBGRAPH.regions ? fanOut : national),
    logger,
  });
  const apollo = new ApolloServer<GatewayContext>({
    // Patients' own history (gateway/patient/) is planned over the same supergraph.
    gateway: withPatientAccess(gateway),
    // Our entry point owns shutdown (lib/process); Apollo's own handler would race it.
    stopOnTerminationSignals: false,
    // Apollo turns introspection off when NODE_ENV=production; the IDE needs it, and only
    // authenticated callers ever reach this server.
    introspection: true,
    // Automatic persisted queries share one cache across users: whether a hash is known
    // tells one user what another asked (an NHS number in a query text). Off.
    persistedQueries: false,
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      ...(armor.plugins as ApolloServerPlugin<GatewayContext>[]),
      operationPlugin(),
      accessPlugin(policy, recordRegistryDenials(registryTrail)),
      checkArgumentsPlugin(),
      auditPlugin(trail, logger),
      metricsPlugin(metrics, logger),
    ],
    validationRules: armor.validationRules,
    parseOptions: { maxTokens: options.limits?.maxTokens ?? GATEWAY_DEFAULTS.maxTokens },
    allowBatchedHttpRequests: false,
    includeStacktraceInErrorResponses: false,
    formatError: createErrorMasker(logger, 'Internal error in the national gateway'),
  });
  await apollo.start();
  const signIn = options.signIn ? createIdeSignIn(options.signIn, { pool, authenticate: options.authenticate, logger }) : null;
  const gate = createRequestGate({
    authenticate: signIn?.authenticate ?? options.authenticate,
    rateLimit: createSharedRateLimiter(
      pool,
      { points: options.rateLimitPerMinute ?? GATEWAY_DEFAULTS.rateLimitPerMinute, leasePercent: options.rateLimitLeasePercent ?? GATEWAY_DEFAULTS.rateLimitLeasePercent },
      logger,
    ),
  });
  const maxBodyBytes = options.maxBodyBytes ?? GATEWAY_DEFAULTS.maxBodyBytes;
  const graphql = createGraphQLHandler(apollo, {
    maxBodyBytes,
    authorize: (req) => gate.verify(req),
    context: (req) => gate.context(req),
  });
  // FHIR passes the same gate and runs its GraphQL operations through the same server.
  const fhir = createFhirHandler({ apollo, gate, logger, maxBodyBytes });
  const ide = createIdeHandler({
    graphqlPath: '/graphql',
    examples: options.ideExamples ?? [],
    ...(options.ideDefaultHeaders ? { defaultHeaders: options.ideDefaultHeaders } : {}),
    ...(signIn
      ? {
          signIn: {
            providers: signIn.providers,
            viewer: signIn.viewer,
            examplesFor: (role) => examplesForRole(role, options.ideExampleNhsNumber ?? GATEWAY_DEFAULTS.ideExampleNhsNumber),
            loginPath: LOGIN_PATH,
            logoutPath: LOGOUT_PATH,
            csrfHeader: CSRF_HEADER,
          },
        }
      : {}),
  });
  const server = await startHttpServer(createGatewayRoutes({ pool, trail, registry, metrics, graphql, fhir, ide, publish: handlePublish, locator, ...(signIn ? { session: signIn.routes } : {}) }), {
    port: options.port,
    host: options.host ?? GATEWAY_DEFAULTS.host,
    logger,
    ...(options.httpTimeouts ? { timeouts: options.httpTimeouts } : {}),
  });
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
      await locator?.stop();
      await server.close();
      await apollo.stop();
      await fanOut.close();
      await signIn?.close();
    },
  };
}
