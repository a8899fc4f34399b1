import type { ApolloServerPlugin } from '@apollo/server';
import { gatewayError, GatewayErrorCode, GATEWAY_ERRORS } from './errors';
import type { GatewayContext } from './GatewayContext';

/**
 * Refuses, as a request error (400, before anything runs), a request with no operation to
 * execute (operationName missing among several, empty or unknown) or a subscription, which
 * the gateway does not serve. Left to the gateway's planner, these became 500s.
 */
export function operationPlugin(): ApolloServerPlugin<GatewayContext> {
  const refuse = (message: string) =>
    gatewayError(GatewayErrorCode.OPERATION_RESOLUTION_FAILURE, message, { http: { status: GATEWAY_ERRORS.OPERATION_RESOLUTION_FAILURE.httpStatus } });
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, request }) {
          if (!operation) {
            throw refuse(
              request.operationName == null ? 'the document has several operations: name the one to run in operationName' : `the document has no operation named "${request.operationName}"`,
            );
          }
          if (operation.operation === 'subscription') throw refuse('subscriptions are not served by the national gateway');
        },
      };
    },
  };
}
