import type { ApolloServerPlugin } from '@apollo/server';
import type { Logger } from '../../lib/logger';
import type { GatewayContext } from '../GatewayContext';
import type { GatewayMetrics } from './createGatewayMetrics';
import { classifyAnswer } from '../audit/classifyAnswer';

/** Counts and times every GraphQL request by outcome (ok, partial, error) and logs one line for it. */
export function metricsPlugin(metrics: GatewayMetrics, logger: Logger): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart(ctx) {
      const started = performance.now();
      return {
        async willSendResponse({ response, errors }) {
          // Apollo runs willSendResponse hooks at once: wait until the audit plugin has made
          // the answer final (a withheld answer is a 503 error, and takes as long as it took).
          await ctx.contextValue.auditSettled.promise;
          const body = response.body.kind === 'single' ? response.body.singleResult : null;
          const hasErrors = (errors?.length ?? 0) > 0 || (body?.errors?.length ?? 0) > 0;
          const outcome = classifyAnswer(body, hasErrors);
          const seconds = (performance.now() - started) / 1000;
          metrics.requests.inc({ outcome });
          metrics.requestDuration.observe({ outcome }, seconds);
          logger.info(
            {
              requestId: ctx.contextValue.requestId,
              operation: ctx.operationName ?? null,
              outcome,
              status: response.http.status ?? 200,
              ms: Math.round(seconds * 1000),
              errors: body?.errors?.map((e) => e.extensions?.code ?? 'UNKNOWN'),
            },
            'graphql request',
          );
        },
      };
    },
  };
}
