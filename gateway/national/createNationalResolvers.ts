import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { GraphQLError } from 'graphql';
import { parseNhsNumber } from '../../lib/domain/parseNhsNumber';
import type { Logger } from '../../lib/logger';
import type { AuditTrail } from '../audit/AuditTrail';
import type { RegistryAction, RegistryAuditTrail, RegistryEventOutcome } from '../audit/RegistryAuditTrail';
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
function ownRegionDenial(user: User, code: string, field: string): GraphQLError | null {
  if (user.role === 'ADMIN') return null;
  if (user.role === 'ARCHIVE' && user.region !== null && user.region === code.trim().toUpperCase()) return null;
  return gatewayError(GatewayErrorCode.FORBIDDEN, `an archive may register or deregister only its own region (${user.region ?? 'none in its token'}), not ${code}`, { field });
}

const REGISTER_FIELD = 'Mutation.registerRegion';
const DEREGISTER_FIELD = 'Mutation.deregisterRegion';

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

export function createNationalResolvers(
  registry: RegionRegistry,
  trail: AuditTrail,
  registryTrail: RegistryAuditTrail,
  logger: Logger,
  maxArchiveTimeoutMs: number,
): GraphQLResolverMap<GatewayContext> {
  return maskUnexpected(resolvers(registry, trail, registryTrail, maxArchiveTimeoutMs), logger);
}

function resolvers(registry: RegionRegistry, trail: AuditTrail, registryTrail: RegistryAuditTrail, maxArchiveTimeoutMs: number): GraphQLResolverMap<GatewayContext> {
  // Every registry change and every refused attempt is recorded before the answer leaves.
  const record = (context: GatewayContext, action: RegistryAction, code: string, url: string | null, outcome: RegistryEventOutcome, reasons: string[] = []) =>
    registryTrail.write({ user: context.user, action, regionCode: code, url, outcome, reasons, requestId: context.requestId });
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
        if (args.userId != null && args.userId.trim() === '') throw gatewayError(GatewayErrorCode.BAD_USER_INPUT, 'userId must not be empty', { argument: 'userId' });
        const first = args.first ?? 100;
        if (!Number.isInteger(first) || first < 1 || first > 1000) throw gatewayError(GatewayErrorCode.BAD_USER_INPUT, 'first must be between 1 and 1000');
        return trail.find({ nhsNumber, userId: args.userId ?? null, from: isoOrThrow(args.from, 'from'), to: isoOrThrow(args.to, 'to'), first });
      },
    },
    Mutation: {
      registerRegion: async (_: unknown, args: { input: { code: string; name: string; url: string; timeoutMs?: number | null } }, context: GatewayContext) => {
        const { code, url } = args.input;
        const deny = async (denial: GraphQLError) => {
          await record(context, 'REGISTER', code, url, 'DENIED', [denial.message]);
          return denial;
        };
        const denial = ownRegionDenial(context.user, code, REGISTER_FIELD);
        if (denial) throw await deny(denial);
        // A longer budget makes every national query wait longer for that region: administrators only.
        if (context.user.role !== 'ADMIN' && args.input.timeoutMs != null && args.input.timeoutMs > maxArchiveTimeoutMs) {
          throw await deny(gatewayError(GatewayErrorCode.FORBIDDEN, `an archive may set timeoutMs up to ${maxArchiveTimeoutMs}; ask an administrator for more`, { field: REGISTER_FIELD }));
        }
        const outcome = await registry.register(args.input, { mayCreate: context.user.role === 'ADMIN' });
        switch (outcome.kind) {
          case 'registered':
            await record(context, 'REGISTER', code, url, outcome.replaced ? 'REPLACED' : 'CREATED');
            return toGraphQL(outcome.region);
          case 'new-code-forbidden':
            throw await deny(
              gatewayError(GatewayErrorCode.FORBIDDEN, `region ${outcome.code} is not registered: only an administrator may create a new region code`, { field: REGISTER_FIELD }),
            );
          case 'refused':
            await record(context, 'REGISTER', code, url, 'REFUSED', outcome.reasons);
            throw gatewayError(GatewayErrorCode.REGISTRATION_REFUSED, `Region ${args.input.code} was not registered: ${outcome.reasons.join('; ')}`, { reasons: outcome.reasons });
          default: {
            const never: never = outcome;
            throw new Error(`unknown outcome ${String(never)}`);
          }
        }
      },
      deregisterRegion: async (_: unknown, args: { code: string }, context: GatewayContext) => {
        const denial = ownRegionDenial(context.user, args.code, DEREGISTER_FIELD);
        if (denial) {
          await record(context, 'DEREGISTER', args.code, null, 'DENIED', [denial.message]);
          throw denial;
        }
        const outcome = await registry.deregister(args.code);
        await record(context, 'DEREGISTER', args.code, null, outcome.kind === 'deregistered' ? 'DEREGISTERED' : 'NOT_REGISTERED');
        return { code: outcome.code, deregistered: outcome.kind === 'deregistered' };
      },
    },
  };
}
