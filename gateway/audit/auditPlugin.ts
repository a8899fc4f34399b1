import type { ApolloServerPlugin } from '@apollo/server';
import type { Logger } from '../../lib/logger';
import { GATEWAY_ERRORS } from '../errors';
import type { GatewayContext } from '../GatewayContext';
import type { AuditOutcome, AuditTrail } from './AuditTrail';

/**
 * Records every operation that reads (or tries to read) patient-identifiable data, after it
 * ran and before its answer leaves the gateway. Fails closed: if the record cannot be
 * written, the data is replaced by an AUDIT_UNAVAILABLE error, so nothing is ever shown
 * that the trail does not know about.
 */
export function auditPlugin(trail: AuditTrail, logger: Logger): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue, operationName }) {
          const audit = contextValue.audit;
          if (!audit.identifiable) return;
          const body = response.body.kind === 'single' ? response.body.singleResult : null;
          const regions = audit.regionList();
          const outcome: AuditOutcome = audit.denied
            ? 'DENIED'
            : !body?.data || Object.values(body.data).every((v) => v === null)
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
        },
      };
    },
  };
}
