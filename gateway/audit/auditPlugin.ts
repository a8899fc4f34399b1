import type { ApolloServerPlugin } from '@apollo/server';
import type { Logger } from '../../lib/logger';
import { GATEWAY_ERRORS } from '../errors';
import type { GatewayContext } from '../GatewayContext';
import type { AuditOutcome, AuditTrail } from './AuditTrail';
import { classifyAnswer } from './classifyAnswer';

/**
 * Records every operation that reads (or tries to read) patient-identifiable data, after it
 * ran and before its answer leaves the gateway. Fails closed: if the record cannot be
 * written within the audit budget, the data is replaced by an AUDIT_UNAVAILABLE error, so
 * nothing is ever shown that the trail does not know about. Apollo runs every plugin's
 * willSendResponse at once, so this one settles `contextValue.auditSettled` when the
 * answer is final: metrics and logs wait for it and report what the client really got.
 */
export function auditPlugin(trail: AuditTrail, logger: Logger): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue, operationName }) {
          try {
            const audit = contextValue.audit;
            if (!audit.identifiable) return;
            const body = response.body.kind === 'single' ? response.body.singleResult : null;
            const regions = audit.regionList();
            const outcome: AuditOutcome = audit.denied
              ? 'DENIED'
              : classifyAnswer(body, (body?.errors?.length ?? 0) > 0) === 'error'
                ? 'ERROR'
                : regions.some((r) => r.status !== 'OK')
                  ? 'PARTIAL'
                  : 'OK';
            try {
              await trail.write({
                user: contextValue.user,
                nhsNumbers: [...audit.nhsNumbers],
                studyUids: [...audit.studyUids],
                operationName: operationName ?? null,
                regions,
                outcome,
                requestId: contextValue.requestId,
              });
            } catch (err) {
              logger.error({ err: (err as Error).message, requestId: contextValue.requestId }, 'audit write failed: withholding the answer');
              if (response.body.kind === 'single') {
                response.body.singleResult.data = null;
                response.body.singleResult.errors = [
                  GATEWAY_ERRORS.AUDIT_UNAVAILABLE.formatted('The access could not be recorded in the audit trail, so no patient data is returned. Try again later.'),
                ];
              }
              response.http.status = GATEWAY_ERRORS.AUDIT_UNAVAILABLE.httpStatus;
            }
          } finally {
            contextValue.auditSettled.resolve();
          }
        },
      };
    },
  };
}
