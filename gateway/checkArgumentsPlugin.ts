import type { ApolloServerPlugin } from '@apollo/server';
import { getVariableValues, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { findNamedSubjects } from './audit/findNamedSubjects';
import { GATEWAY_ERRORS, gatewayError, GatewayErrorCode } from './errors';
import type { GatewayContext } from './GatewayContext';
import { executedDocument } from './auth/executedDocument';

/** Variables as execution will see them, defaults included (so a default cannot hide a subject). */
function coercedVariables(schema: GraphQLSchema, operation: OperationDefinitionNode | undefined, raw: Record<string, unknown>): Record<string, unknown> {
  if (!operation) return raw;
  const result = getVariableValues(schema, operation.variableDefinitions ?? [], raw);
  return result.coerced ?? raw;
}

/**
 * Checks NHS numbers once, at the gateway, before a query is planned: a malformed number
 * never costs a call to any region and gets one clear BAD_USER_INPUT error. Regions check
 * again (defence in depth). Also notes the named patients for the audit trail.
 */
export function checkArgumentsPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, request, contextValue, schema, operation }) {
          if (!operation) return;
          const subjects = findNamedSubjects(executedDocument(document, operation), coercedVariables(schema, operation, request.variables ?? {}));
          for (const n of subjects.nhsNumbers) contextValue.audit.nhsNumbers.add(n);
          for (const u of subjects.studyUids) contextValue.audit.studyUids.add(u);
          const status = { status: GATEWAY_ERRORS.BAD_USER_INPUT.httpStatus };
          if (subjects.problem) throw gatewayError(GatewayErrorCode.BAD_USER_INPUT, subjects.problem, { argument: 'nhsNumber', http: status });
          if (subjects.historyProblem) {
            const { argument, reason } = subjects.historyProblem;
            throw gatewayError(GatewayErrorCode.BAD_USER_INPUT, reason, { argument, http: status });
          }
        },
      };
    },
  };
}
