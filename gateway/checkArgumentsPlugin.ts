import type { ApolloServerPlugin } from '@apollo/server';
import { getVariableValues, valueFromASTUntyped, visit, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { parseNhsNumber } from '../lib/domain/parseNhsNumber';
import { parseFirst, parseStudyFilter, type StudyFilterInput } from '../lib/domain/parseStudyFilter';
import { GATEWAY_ERRORS, gatewayError, GatewayErrorCode } from './errors';
import type { GatewayContext } from './GatewayContext';
import { executedDocument } from './auth/executedDocument';

/** The patients and studies an operation names, and the first malformed NHS number. */
export interface NamedSubjects {
  nhsNumbers: string[];
  studyUids: string[];
  problem: string | null;
  /** The first malformed history filter or `first`: checked here because the locator may ask no region at all. */
  historyProblem: { argument: string; reason: string } | null;
}

function findNamedSubjects(document: DocumentNode, variables: Record<string, unknown>): NamedSubjects {
  const nhsNumbers = new Set<string>();
  const studyUids = new Set<string>();
  let problem: string | null = null;
  let historyProblem: NamedSubjects['historyProblem'] = null;
  visit(document, {
    Field(node) {
      if (node.name.value === 'imagingHistory' && historyProblem === null) {
        for (const arg of node.arguments ?? []) {
          const value = valueFromASTUntyped(arg.value, variables);
          const parsed = arg.name.value === 'filter' ? parseStudyFilter(value as StudyFilterInput | null) : arg.name.value === 'first' ? parseFirst(value) : null;
          if (parsed && !parsed.ok) historyProblem ??= { argument: arg.name.value, reason: parsed.reason };
        }
      }
      for (const arg of node.arguments ?? []) {
        const value = valueFromASTUntyped(arg.value, variables);
        // patient(nhsNumber:), auditEvents(nhsNumber:): every patient an operation names.
        if (arg.name.value === 'nhsNumber' && value !== null && value !== undefined) {
          const parsed = parseNhsNumber(value);
          if (parsed.ok) nhsNumbers.add(parsed.value);
          else problem ??= parsed.reason;
        }
        if (node.name.value === 'study' && arg.name.value === 'studyInstanceUid' && typeof value === 'string') studyUids.add(value.trim());
      }
    },
  });
  return { nhsNumbers: [...nhsNumbers], studyUids: [...studyUids], problem, historyProblem };
}

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
