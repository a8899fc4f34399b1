import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { gatewayError, GatewayErrorCode } from '../errors';
import type { RegionEndpoint, RegionRegistry } from '../registry/RegionRegistry';
import type { GatewayContext } from '../GatewayContext';

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

function requireRegistrar(context: GatewayContext): void {
  switch (context.principal.kind) {
    case 'registrar':
      return;
    case 'anonymous':
      throw gatewayError(GatewayErrorCode.UNAUTHENTICATED, 'Registering regions needs a bearer token');
    case 'invalid':
      throw gatewayError(GatewayErrorCode.UNAUTHENTICATED, context.principal.reason);
    default: {
      const never: never = context.principal;
      throw new Error(`unknown principal ${String(never)}`);
    }
  }
}

export function createNationalResolvers(registry: RegionRegistry): GraphQLResolverMap<GatewayContext> {
  return {
    Query: {
      regions: () => registry.list().map(toGraphQL),
    },
    Mutation: {
      registerRegion: async (_: unknown, args: { input: { code: string; name: string; url: string; timeoutMs?: number | null } }, context: GatewayContext) => {
        requireRegistrar(context);
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
        requireRegistrar(context);
        const outcome = await registry.deregister(args.code);
        return { code: outcome.code, deregistered: outcome.kind === 'deregistered' };
      },
    },
  };
}
