import type { DocumentNode, GraphQLSchema, OperationDefinitionNode } from 'graphql';
import { LRUCache } from 'lru-cache';
import type { AccessPolicy, AccessSubject, Denial } from './AccessPolicy';
import { executedDocument } from './executedDocument';

/** The policy's verdict on one operation for one role and purpose. */
export interface AccessDecision {
  /** The operation that will run, with only its fragments (gateway/auth/executedDocument.ts). */
  executed: DocumentNode;
  denials: readonly Denial[];
  identifiable: boolean;
}

/** Decisions kept per document: one per operation, role and purpose seen with it. */
const PER_DOCUMENT = 32;

/**
 * The @access policy's decisions, remembered per parsed document. Apollo Server keeps each
 * query's parsed document in its bounded document store and hands the same DocumentNode to
 * every request with that query text, so the document object is the key (a WeakMap: when
 * Apollo evicts the document, its decisions go with it) and the rest of the key is the
 * operation name, the role and the purpose of use, in a small LRU per document (the purpose
 * can come from a header, so its values are bounded here).
 *
 * Only what the policy reads is cached, and the policy is given nothing else: `check` sees an
 * {@link AccessSubject} (role and purpose), never the user's id, organisation or NHS number,
 * nor the request's variables. Rules that depend on those run on every request outside this
 * cache: the argument checks (gateway/checkArgumentsPlugin.ts, variables), a patient's own
 * NHS number (gateway/patient/withPatientAccess.ts), audit facts from the answer.
 */
export class AccessDecisions {
  private readonly byDocument = new WeakMap<DocumentNode, LRUCache<string, AccessDecision>>();

  constructor(private readonly policy: AccessPolicy) {}

  decide(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, subject: AccessSubject): AccessDecision {
    let decisions = this.byDocument.get(document);
    if (!decisions) this.byDocument.set(document, (decisions = new LRUCache({ max: PER_DOCUMENT })));
    const key = `${operation.name?.value ?? ''}\u0000${subject.role}\u0000${subject.purposeOfUse ?? ''}`;
    let decision = decisions.get(key);
    // The schema is part of the verdict: a document is only reused under the schema it was decided for.
    if (!decision || this.schemaOf.get(decision) !== schema) {
      const executed = executedDocument(document, operation);
      const { denials, identifiable } = this.policy.check(schema, executed, { role: subject.role, purposeOfUse: subject.purposeOfUse });
      decision = { executed, denials, identifiable };
      this.schemaOf.set(decision, schema);
      decisions.set(key, decision);
    }
    return decision;
  }

  private readonly schemaOf = new WeakMap<AccessDecision, GraphQLSchema>();
}
