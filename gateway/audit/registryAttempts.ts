import { valueFromASTUntyped, visit, type DocumentNode } from 'graphql';
import type { RegistryAction } from './RegistryAuditTrail';

/** A registry change an operation asks for: which action, on which region code, at which URL. */
export interface RegistryAttempt {
  action: RegistryAction;
  regionCode: string;
  url: string | null;
}

/**
 * The registry changes an (executed) operation asks for, read from its arguments: so that
 * an attempt refused before any resolver runs (a clinician's registerRegion) is recorded
 * in the registry trail like one refused inside the resolver.
 */
export function registryAttempts(document: DocumentNode, variables: Record<string, unknown>): RegistryAttempt[] {
  const attempts: RegistryAttempt[] = [];
  visit(document, {
    Field(node) {
      const name = node.name.value;
      if (name !== 'registerRegion' && name !== 'deregisterRegion') return;
      const args = Object.fromEntries((node.arguments ?? []).map((a) => [a.name.value, valueFromASTUntyped(a.value, variables)]));
      const input = (args.input ?? {}) as { code?: unknown; url?: unknown };
      const code = name === 'registerRegion' ? input.code : args.code;
      attempts.push({
        action: name === 'registerRegion' ? 'REGISTER' : 'DEREGISTER',
        regionCode: typeof code === 'string' ? code : '',
        url: name === 'registerRegion' && typeof input.url === 'string' ? input.url : null,
      });
    },
  });
  return attempts;
}
