import type { ApolloServerPlugin } from '@apollo/server';
import type { DocumentNode } from 'graphql';
import { GATEWAY_ERRORS, gatewayError, GatewayErrorCode } from '../errors';
import type { GatewayContext } from '../GatewayContext';
import { AccessDecisions } from './AccessDecisions';
import type { AccessPolicy } from './AccessPolicy';

/**
 * Enforces the schema's @access rules once the operation is parsed and validated, before
 * it is planned: a denied field fails the whole operation with FORBIDDEN naming the field,
 * and no region is called. Marks operations that read identifiable data for the audit.
 */
export function accessPlugin(
  policy: AccessPolicy,
  /** Told of every denial before the request fails (the registry trail records refused registry changes). */
  onDenied: (context: GatewayContext, executed: DocumentNode, variables: Record<string, unknown>, reason: string) => Promise<void> = async () => undefined,
): ApolloServerPlugin<GatewayContext> {
  const decisions = new AccessDecisions(policy);
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, schema, contextValue, request }) {
          // Nothing will execute (operationPlugin refuses it): nothing to judge or record.
          if (!operation) return;
          const { executed, denials, identifiable } = decisions.decide(schema, document, operation, contextValue.user);
          if (identifiable) contextValue.audit.identifiable = true;
          const first = denials[0];
          if (first) {
            contextValue.audit.denied = true;
            await onDenied(contextValue, executed, request.variables ?? {}, `Access to ${first.field} is denied: ${first.reason}`);
            throw gatewayError(GatewayErrorCode.FORBIDDEN, `Access to ${first.field} is denied: ${first.reason}`, {
              field: first.field,
              deniedFields: denials.map((d) => d.field),
              http: { status: GATEWAY_ERRORS.FORBIDDEN.httpStatus },
            });
          }
        },
      };
    },
  };
}
