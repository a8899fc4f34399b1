import { separateOperations, type DocumentNode, type OperationDefinitionNode } from 'graphql';

// Apollo Server hands the same parsed DocumentNode to every request with the same query text
// (its bounded document store), so the split is kept per document object and goes when the
// store drops the document. The split depends on nothing but the document.
const separated = new WeakMap<DocumentNode, Record<string, DocumentNode>>();

/**
 * The operation that will execute, with only the fragments it uses. Access rules, argument
 * checks and audit facts look at this, never at the whole document: a document may carry
 * other operations that never run (`query A { __typename } query B { patient(...) }` with
 * operationName "A" reads nobody, and must be neither refused nor recorded as a read).
 */
export function executedDocument(document: DocumentNode, operation: OperationDefinitionNode | undefined | null): DocumentNode {
  if (!operation) return document;
  let operations = separated.get(document);
  if (!operations) separated.set(document, (operations = separateOperations(document)));
  return operations[operation.name?.value ?? ''] ?? { kind: document.kind, definitions: [operation] };
}
