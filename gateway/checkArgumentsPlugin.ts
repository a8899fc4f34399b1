import type { ApolloServerPlugin } from '@apollo/server';
import { Kind, valueFromASTUntyped, visit, type DocumentNode } from 'graphql';
import { parseNhsNumber } from '../lib/domain/parseNhsNumber';
import { gatewayError, GatewayErrorCode } from './errors';
import type { GatewayContext } from './GatewayContext';

/** The first problem with an operation's NHS numbers, or null. */
export function findBadNhsNumber(document: DocumentNode, variables: Record<string, unknown>): string | null {
  let problem: string | null = null;
  visit(document, {
    Field(node) {
      if (problem) return false;
      if (node.name.value !== 'patient') return undefined;
      const arg = node.arguments?.find((a) => a.name.value === 'nhsNumber');
      if (!arg) return undefined;
      const value = arg.value.kind === Kind.VARIABLE ? variables[arg.value.name.value] : valueFromASTUntyped(arg.value, variables);
      const parsed = parseNhsNumber(value);
      if (!parsed.ok) problem = parsed.reason;
      return undefined;
    },
  });
  return problem;
}

/**
 * Checks NHS numbers once, at the gateway, before a query is planned: a malformed number
 * never costs a call to any region and gets one clear BAD_USER_INPUT error. Regions check
 * again (defence in depth); this only saves the fan-out.
 */
export function checkArgumentsPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, request }) {
          const problem = findBadNhsNumber(document, (request.variables ?? {}) as Record<string, unknown>);
          if (problem) throw gatewayError(GatewayErrorCode.BAD_USER_INPUT, problem, { argument: 'nhsNumber', http: { status: 400 } });
        },
      };
    },
  };
}
