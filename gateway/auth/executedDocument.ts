import { separateOperations, type DocumentNode, type OperationDefinitionNode } from 'graphql';

/**
 * The operation that will execute, with only the fragments it uses. Access rules, argument
 * checks and audit facts look at this, never at the whole document: a document may carry
 * other operations that never run (`query A { __typename } query B { patient(...) }` with
 * operationName "A" reads nobody, and must be neither refused nor recorded as a read).
 */
export function executedDocument(document: DocumentNode, operation: OperationDefinitionNode | undefined | null): DocumentNode {
  if (!operation) return document;
  return separateOperations(document)[operation.name?.value ?? ''] ?? { kind: document.kind, definitions: [operation] };
}
