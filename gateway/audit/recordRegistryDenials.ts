import type { DocumentNode } from 'graphql';
import type { GatewayContext } from '../GatewayContext';
import { registryAttempts } from './registryAttempts';
import type { RegistryAuditTrail } from './RegistryAuditTrail';

/** For the access plugin: records every registry change refused by @access as DENIED in the registry trail. */
export function recordRegistryDenials(registryTrail: RegistryAuditTrail) {
  return async (context: GatewayContext, executed: DocumentNode, variables: Record<string, unknown>, reason: string): Promise<void> => {
    for (const attempt of registryAttempts(executed, variables)) {
      await registryTrail.write({ user: context.user, ...attempt, outcome: 'DENIED', reasons: [reason], requestId: context.requestId });
    }
  };
}
