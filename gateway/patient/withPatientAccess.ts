import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { GatewayExecutor, GatewayGraphQLRequestContext, GatewayInterface } from '@apollo/server-gateway-interface';
import { extendSchema, parse, print, visit, type GraphQLSchema } from 'graphql';
import { SCHEMA_DIR } from '../../lib/contract';
import { gatewayError, GatewayErrorCode } from '../errors';
import type { GatewayContext } from '../GatewayContext';
import { reshapeMyHistoryResult } from './reshapeMyHistoryResult';
import { PATIENT_NHS_VARIABLE, rewriteMyImagingHistory } from './rewriteMyImagingHistory';

/** schema/patient-access.graphql, with its @access rule: the access policy reads it with the supergraph. */
export const PATIENT_ACCESS_SDL = fs.readFileSync(path.join(SCHEMA_DIR, 'patient-access.graphql'), 'utf8');

/** The public schema plus Query.myImagingHistory (directives are policy, read by AccessPolicy, not part of the API schema). */
function withMyHistory(apiSchema: GraphQLSchema): GraphQLSchema {
  const withoutDirectives = visit(parse(PATIENT_ACCESS_SDL), { Directive: () => null });
  return extendSchema(apiSchema, withoutDirectives);
}

function wrapExecutor(executor: GatewayExecutor): GatewayExecutor {
  return async (requestContext) => {
    const rewritten = rewriteMyImagingHistory(requestContext.document, requestContext.operation);
    if (!rewritten) return executor(requestContext);
    const { user } = requestContext.context as GatewayContext;
    // The access policy has already refused anyone else; this guards the rewrite itself.
    if (user.role !== 'PATIENT' || !user.nhsNumber) {
      return { errors: [gatewayError(GatewayErrorCode.FORBIDDEN, 'myImagingHistory is for patients signed in with NHS login')] };
    }
    const source = print(rewritten.document);
    const planned: GatewayGraphQLRequestContext = Object.create(requestContext, {
      document: { value: rewritten.document },
      operation: { value: rewritten.operation },
      source: { value: source },
      // The query-plan cache is keyed by this hash: the rewritten document gets its own plan.
      queryHash: { value: createHash('sha256').update(source).digest('hex') },
      request: { value: { ...requestContext.request, query: source, variables: { ...(requestContext.request.variables ?? {}), [PATIENT_NHS_VARIABLE]: user.nhsNumber } } },
    });
    return reshapeMyHistoryResult(await executor(planned), rewritten.responseKeys);
  };
}

/**
 * The gateway as Apollo Server sees it, with patients' own history added: the public
 * schema gains Query.myImagingHistory, and an operation asking for it is planned and run
 * as the clinician's `patient(nhsNumber:) { imagingHistory }` with the NHS number taken
 * from the patient's verified token. One data path: same planner, fan-out, locator,
 * merge and audit as every other read.
 */
export function withPatientAccess(gateway: GatewayInterface): GatewayInterface {
  return {
    onSchemaLoadOrUpdate: (callback) => gateway.onSchemaLoadOrUpdate(({ apiSchema, coreSupergraphSdl }) => callback({ apiSchema: withMyHistory(apiSchema), coreSupergraphSdl })),
    load: async (options) => {
      const loaded = await gateway.load(options);
      return { ...loaded, executor: loaded.executor ? wrapExecutor(loaded.executor) : null };
    },
    stop: () => gateway.stop(),
  };
}
