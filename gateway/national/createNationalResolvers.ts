import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { GraphQLError } from 'graphql';
import { parseNhsNumber } from '../../lib/domain/parseNhsNumber';
import type { Logger } from '../../lib/logger';
import type { AuditTrail } from '../audit/AuditTrail';
import { gatewayError, GatewayErrorCode } from '../errors';
import type { GatewayContext, User } from '../GatewayContext';
import type { RegionEndpoint, RegionRegistry } from '../registry/RegionRegistry';

function toGraphQL(region: RegionEndpoint) {
  const state = region.breaker.current.kind;
  return {
    code: region.code,
    name: region.name,
    timeoutMs: region.timeoutMs,
    registeredAt: region.registeredAt,
    circuit: state === 'closed' ? 'CLOSED' : state === 'open' ? 'OPEN' : 'HALF_OPEN',
  };
}

/** Roles are checked by @access before this runs; an archive may also touch only its own region. */
function requireOwnRegion(user: User, code: string): void {
  if (user.role === 'ADMIN') return;
  if (user.role === 'ARCHIVE' && user.region !== null && user.region === code.trim().toUpperCase()) return;
  throw gatewayError(GatewayErrorCode.FORBIDDEN, `an archive may register or deregister only its own region (${user.region ?? 'none in its token'}), not ${code}`, {
    field: 'Mutation.registerRegion',
  });
}

function isoOrThrow(value: string | null | undefined, label: string): string | null {
  if (value == null) return null;
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw gatewayError(GatewayErrorCode.BAD_USER_INPUT, `${label} must be an ISO date or timestamp`);
  return new Date(t).toISOString();
}

type Resolver = (...args: unknown[]) => unknown;

/**
 * The national subgraph runs in process (LocalGraphQLDataSource), so its errors reach the
 * client as they are. Anything unexpected (a database error, a bug) is logged here and
 * replaced by a generic INTERNAL_SERVER_ERROR: no SQL text or table names leave the gateway.
 */
function maskUnexpected(map: GraphQLResolverMap<GatewayContext>, logger: Logger): GraphQLResolverMap<GatewayContext> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [type, fields] of Object.entries(map)) {
    out[type] = {};
    for (const [name, resolver] of Object.entries(fields as Record<string, unknown>)) {
      out[type][name] =
        typeof resolver !== 'function'
          ? resolver
          : async (...args: unknown[]) => {
              try {
                return await (resolver as Resolver)(...args);
              } catch (err) {
                if (err instanceof GraphQLError) throw err;
                logger.error({ err: (err as Error).message, field: `${type}.${name}` }, 'internal error');
                throw gatewayError(GatewayErrorCode.INTERNAL_SERVER_ERROR, 'Internal error in the national gateway');
              }
            };
    }
  }
  return out as GraphQLResolverMap<GatewayContext>;
}

export function createNationalResolvers(registry: RegionRegistry, trail: AuditTrail, logger: Logger, maxArchiveTimeoutMs: number): GraphQLResolverMap<GatewayContext> {
  return maskUnexpected(resolvers(registry, trail, maxArchiveTimeoutMs), logger);
}

function resolvers(registry: RegionRegistry, trail: AuditTrail, maxArchiveTimeoutMs: number): GraphQLResolverMap<GatewayContext> {
  return {
    Query: {
      regions: () => registry.list().map(toGraphQL),
      auditEvents: async (_: unknown, args: { nhsNumber?: string | null; userId?: string | null; from?: string | null; to?: string | null; first?: number | null }) => {
        let nhsNumber: string | null = null;
        if (args.nhsNumber != null) {
          const parsed = parseNhsNumber(args.nhsNumber);
          if (!parsed.ok) throw gatewayError(GatewayErrorCode.BAD_USER_INPUT, parsed.reason, { argument: 'nhsNumber' });
          nhsNumber = parsed.value;
        }
        const first = args.first ?? 100;
        if (!Number.isInteger(first) || first < 1 || first > 1000) throw gatewayError(GatewayErrorCode.BAD_USER_INPUT, 'first must be between 1 and 1000');
        return trail.find({ nhsNumber, userId: args.userId ?? null, from: isoOrThrow(args.from, 'from'), to: isoOrThrow(args.to, 'to'), first });
      },
    },
    Mutation: {
      registerRegion: async (_: unknown, args: { input: { code: string; name: string; url: string; timeoutMs?: number | null } }, context: GatewayContext) => {
        requireOwnRegion(context.user, args.input.code);
        // A longer budget makes every national query wait longer for that region: administrators only.
        if (context.user.role !== 'ADMIN' && args.input.timeoutMs != null && args.input.timeoutMs > maxArchiveTimeoutMs) {
          throw gatewayError(GatewayErrorCode.FORBIDDEN, `an archive may set timeoutMs up to ${maxArchiveTimeoutMs}; ask an administrator for more`, { field: 'Mutation.registerRegion' });
        }
        const outcome = await registry.register(args.input);
        switch (outcome.kind) {
          case 'registered':
            return toGraphQL(outcome.region);
          case 'refused':
            throw gatewayError(GatewayErrorCode.REGISTRATION_REFUSED, `Region ${args.input.code} was not registered: ${outcome.reasons.join('; ')}`, { reasons: outcome.reasons });
          default: {
            const never: never = outcome;
            throw new Error(`unknown outcome ${String(never)}`);
          }
        }
      },
      deregisterRegion: async (_: unknown, args: { code: string }, context: GatewayContext) => {
        requireOwnRegion(context.user, args.code);
        const outcome = await registry.deregister(args.code);
        return { code: outcome.code, deregistered: outcome.kind === 'deregistered' };
      },
    },
  };
}
