import { DEFAULT_LEASE_MS, DEFAULT_POLL_MS } from '../lib/locator/membershipProtocol';

/**
 * Every default of the national gateway, stated once. The options types point here with
 * `@defaultValue`; gateway/index.ts uses these as the environment's fallbacks, and the
 * factories when an option is left out.
 */
export const GATEWAY_DEFAULTS = {
  port: 4000,
  host: '127.0.0.1',
  /** PostgreSQL connections of the national pool. */
  dbPoolSize: 10,
  dbAppRole: 'imaging_gateway_app',
  /** Activity counts below this are never shown exactly. */
  suppressionThreshold: 5,
  rateLimitPerMinute: 600,
  /** Share of the rate limit (%) a replica claims from the national database at a time (gateway/auth/createSharedRateLimiter.ts). */
  rateLimitLeasePercent: 1,
  maxDepth: 12,
  maxCost: 5000,
  maxAliases: 15,
  maxTokens: 2000,
  /** Time budget per region unless its registration sets one, ms. */
  regionTimeoutMs: 2000,
  /** Registry re-read interval (other replicas' registrations), ms. */
  registryRefreshMs: 5000,
  /** How long a registration check waits for the candidate region, ms. */
  registrationCheckTimeoutMs: 5000,
  breakerFailureThreshold: 3,
  breakerOpenMs: 10_000,
  /** Most open connections to one region; keep-alive reuses them. */
  connectionsPerRegion: 32,
  maxBodyBytes: 256 * 1024,
  /** Region key ids: the first signs requests to regions, every one is accepted from them. */
  regionKeyIds: '1',
  /** How long an audit write may take before the answer is withheld (503 AUDIT_UNAVAILABLE), ms. */
  auditTimeoutMs: 2000,
  ideExampleNhsNumber: '9990000018',
  /** Scopes the IDE asks its identity providers for. */
  oidcScopes: 'openid profile offline_access',
  /** Longest life of an IDE session, seconds (a working shift). */
  sessionTtlSeconds: 8 * 3600,
  /** The IDE session's access token is refreshed when it expires within this many seconds. */
  sessionRefreshMarginSeconds: 60,
  /** How long a sign-in may take between the redirect to the provider and its callback, seconds. */
  loginTtlSeconds: 600,
  /** The claim and value NHS login uses for a verified identity (P9: checked in person or with photo ID). */
  patientIdentityClaim: 'identity_proofing_level',
  patientIdentityLevel: 'P9',
  /** How long a poll's confirmation of a region's membership is trusted, ms; must equal the regions'. */
  locatorLeaseMs: DEFAULT_LEASE_MS,
  /** How often each replica asks each region for its membership position, ms. */
  locatorPollMs: DEFAULT_POLL_MS,
  /** Target false-positive rate of each region's membership filter at its capacity. */
  locatorFalsePositiveRate: 0.001,
} as const;
