import fs from 'node:fs';
import path from 'node:path';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import type { IncomingMessage } from 'node:http';
import type { Pool } from 'pg';
import type { Registry } from 'prom-client';
import type { User } from '../../lib/auth/Principal';
import { REGION_SDL, SCHEMA_DIR } from '../../lib/contract';
import type { Authenticate } from '../../lib/auth/createAuthenticator';
import { createErrorMasker } from '../../lib/http/createErrorMasker';
import { startHttpServer } from '../../lib/http/startHttpServer';
import { createGraphQLHandler, sendJson } from '../../lib/http/createGraphQLHandler';
import { requireUser } from '../../lib/auth/requireUser';
import { REGION_DEFAULTS } from './defaults';
import { REGION_ERRORS } from './errors';
import { SIGNATURE_HEADER, SignatureVerifier } from '../../lib/security/gatewaySignature';
import type { Logger } from '../../lib/logger';
import { createLoaders } from './createLoaders';
import type { RegionRef } from '../../lib/domain/RegionRef';
import { createResolvers, type RegionContext } from './createResolvers';
import { IndexCache } from './IndexCache';
import { createIngestResolvers } from './ingest/createIngestResolvers';
import { createRegionMembership } from './membership/createRegionMembership';
import type { MembershipPublisher } from './membership/MembershipPublisher';
import { answerHeaders } from './answerHeaders';
import { createNonceStore } from './createNonceStore';
import { createCompiledExecutor } from './createCompiledExecutor';
import { verifyShared } from './verifyShared';
import { purposeBound, SIGNATURE_PURPOSE } from '../../lib/locator/membershipProtocol';

const INGEST_SDL = fs.readFileSync(path.join(SCHEMA_DIR, 'region-ingest.graphql'), 'utf8');

/** Options for {@link createRegionServer}. */
export interface RegionServerOptions {
  region: RegionRef;
  /** The region's own index database, already migrated. */
  pool: Pool;
  logger: Logger;
  /** 0 (default) picks a free port. */
  port?: number;
  /** @defaultValue REGION_DEFAULTS.host */
  host?: string;
  archiveBaseUrl?: string | null;
  /** node-cache TTL for patient histories, seconds; 0 disables. @defaultValue REGION_DEFAULTS.cacheTtlSeconds */
  cacheTtlSeconds?: number;
  /** Largest /graphql request body; /ingest accepts eight times this. @defaultValue REGION_DEFAULTS.maxBodyBytes */
  maxBodyBytes?: number;
  /**
   * This region's secret shared with the national gateway (lib/security/gatewaySignature.ts).
   * /graphql answers only requests the gateway signed with it: nobody can call _entities or
   * read a patient's history by going round the gateway's access control and audit.
   */
  gatewaySecret: string;
  /**
   * Verifies archive tokens for /ingest (JWT, the same identity provider as the gateway).
   * Only ARCHIVE tokens for this region, or ADMIN tokens, may write. Null disables /ingest.
   */
  authenticate: Authenticate | null;
  /**
   * Base URL of the national gateway, where this region publishes its membership changes
   * before acknowledging a write. Null: every write that adds a patient waits one lease
   * instead (the gateway then learns of it by polling).
   */
  gatewayUrl?: string | null;
  /** Must equal the gateway's. @defaultValue DEFAULT_LEASE_MS (lib/locator/membershipProtocol.ts) */
  leaseMs?: number;
  /**
   * Answer plain queries on the compiled path (createCompiledExecutor.ts); false sends every
   * request through Apollo Server. @defaultValue REGION_DEFAULTS.compiledExecution
   */
  compiledExecution?: boolean;
  /** Served at /metrics (Prometheus) when given: the archive sync's metrics. @default none (no /metrics) */
  metrics?: Registry | null;
}

export interface RunningRegion {
  url: string;
  ingestUrl: string;
  port: number;
  cache: IndexCache;
  publisher: MembershipPublisher;
  stop(): Promise<void>;
}


/**
 * The service every region runs: the federated contract at /graphql, the region-local
 * ingest API at /ingest, liveness at /healthz and readiness (database reachable) at /readyz.
 * Side-effect free until called; returns the URL and a stop function.
 */
export async function createRegionServer(options: RegionServerOptions): Promise<RunningRegion> {
  const { region, pool, logger } = options;
  const cache = new IndexCache({ ttlSeconds: options.cacheTtlSeconds });
  const membership = await createRegionMembership({
    pool,
    logger,
    region: region.code,
    secret: options.gatewaySecret,
    gatewayUrl: options.gatewayUrl ?? null,
    ...(options.leaseMs !== undefined ? { leaseMs: options.leaseMs } : {}),
  });
  // No inline tracing, landing page or cache-control hints: the last instruments every
  // field (about 15% of a region's CPU) for headers nobody reads behind the gateway.
  const plugins = [ApolloServerPluginInlineTraceDisabled(), ApolloServerPluginLandingPageDisabled(), ApolloServerPluginCacheControlDisabled()];
  const schema = buildSubgraphSchema([{ typeDefs: parse(REGION_SDL), resolvers: createResolvers() as never }]);
  const subgraph = new ApolloServer<RegionContext>({
    schema,
    plugins: [...plugins, membership.plugin as ApolloServerPlugin<RegionContext>],
    stopOnTerminationSignals: false,
    includeStacktraceInErrorResponses: false,
    formatError: createErrorMasker(logger, 'Internal error in the regional index'),
  });
  const ingest = new ApolloServer({
    typeDefs: INGEST_SDL,
    resolvers: createIngestResolvers({
      pool,
      cache,
      region,
      archiveBaseUrl: options.archiveBaseUrl ?? null,
      publisher: membership.publisher,
    }) as never,
    plugins,
    stopOnTerminationSignals: false,
    includeStacktraceInErrorResponses: false,
    formatError: createErrorMasker(logger, 'Internal error in the regional index'),
  });
  await subgraph.start();
  await ingest.start();
  const maxBodyBytes = options.maxBodyBytes ?? REGION_DEFAULTS.maxBodyBytes;
  const verifier = new SignatureVerifier(options.gatewaySecret);
  const nonces = createNonceStore(pool, logger);
  const handleSubgraph = createGraphQLHandler(subgraph, {
    maxBodyBytes,
    verify: async (req, raw) => {
      const header = req.headers[SIGNATURE_HEADER] as string | undefined;
      // Bound to method and path: a signature for this door is valid at no other.
      const check = req.method === 'POST' ? await verifyShared(verifier, nonces, header, purposeBound(SIGNATURE_PURPOSE.graphql, raw)) : ({ ok: false, reason: 'malformed' } as const);
      if (check.ok) return null;
      // Logged: an unsigned or replayed call to a region is an attempt to bypass the gateway.
      logger.warn({ reason: check.reason, remote: req.socket.remoteAddress }, 'rejected request without a valid gateway signature');
      return { error: REGION_ERRORS.UNAUTHENTICATED, message: `requests to a region must be signed by the national gateway (${check.reason})` };
    },
    context: async () => ({ loaders: createLoaders(pool, cache), pool, region, startedAt: Date.now() }),
    execute: (options.compiledExecution ?? REGION_DEFAULTS.compiledExecution) === false ? undefined : createCompiledExecutor({ schema, extensions: membership.answerExtensions }),
    // Every answer is signed over the request's nonce: the gateway trusts only answers that
    // prove they come from the holder of this region's secret (and registration needs one).
    signAnswer: (req, body) => answerHeaders(options.gatewaySecret, req.headers[SIGNATURE_HEADER], body),
  });
  const authenticate = options.authenticate;
  // The verified caller of each /ingest request, for the resolvers that audit reads.
  const callers = new WeakMap<IncomingMessage, User>();
  const handleIngest = createGraphQLHandler(ingest, {
    maxBodyBytes: maxBodyBytes * 8,
    // Decided on the token alone, before a byte of the (up to 8 MiB) body is buffered.
    authorize: async (req) => {
      if (!authenticate) return { error: REGION_ERRORS.NOT_FOUND, message: 'ingest is disabled on this region' };
      const checked = requireUser(await authenticate(req), { unauthenticated: REGION_ERRORS.UNAUTHENTICATED, anonymousMessage: 'ingest needs an archive bearer token', challenge: false });
      if ('refusal' in checked) return checked.refusal;
      const { user } = checked;
      if (user.role === 'ADMIN' || (user.role === 'ARCHIVE' && user.region === region.code)) {
        callers.set(req, user);
        return null;
      }
      logger.warn({ user: user.id, role: user.role, tokenRegion: user.region }, 'ingest refused');
      return { error: REGION_ERRORS.FORBIDDEN, message: `only archives of region ${region.code} (or administrators) may write to its index` };
    },
    context: async (req) => ({ user: callers.get(req) ?? null }),
  });
  const metrics = options.metrics ?? null;

  const server = await startHttpServer(async (req, res, pathname) => {
    switch (pathname) {
      case '/graphql':
        return handleSubgraph(req, res);
      case '/ingest':
        return handleIngest(req, res);
      case '/membership':
        return membership.handle(req, res);
      case '/metrics':
        if (!metrics) return sendJson(res, 404, { error: 'not found' });
        res.writeHead(200, { 'content-type': metrics.contentType });
        return void res.end(await metrics.metrics());
      case '/healthz':
        return sendJson(res, 200, { status: 'ok', region: region.code });
      case '/readyz':
        try {
          return sendJson(res, 200, { status: 'ready', region: region.code, membership: await membership.position() });
        } catch {
          return sendJson(res, 503, { status: 'database unreachable', region: region.code });
        }
      default:
        return sendJson(res, 404, { error: 'not found' });
    }
  }, { port: options.port, host: options.host ?? REGION_DEFAULTS.host, logger });
  const { port, baseUrl: base } = server;
  logger.info({ region: region.code, url: `${base}/graphql` }, 'region listening');
  return {
    url: `${base}/graphql`,
    ingestUrl: `${base}/ingest`,
    port,
    cache,
    publisher: membership.publisher,
    stop: async () => {
      await server.close();
      await subgraph.stop();
      await ingest.stop();
      cache.close();
      verifier.close();
      nonces.close();
      membership.close();
    },
  };
}
