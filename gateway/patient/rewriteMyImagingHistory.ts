import { Kind, type DocumentNode, type FieldNode, type OperationDefinitionNode, type SelectionNode } from 'graphql';

/** The root field patients ask for (schema/patient-access.graphql). */
export const MY_HISTORY_FIELD = 'myImagingHistory';
/** The variable the rewritten operation carries the token's NHS number in; `__` keeps it clear of callers' names. */
export const PATIENT_NHS_VARIABLE = '__patientNhsNumber';

export interface RewrittenOperation {
  document: DocumentNode;
  operation: OperationDefinitionNode;
  /** Response keys that were myImagingHistory fields; their answers are patient.imagingHistory. */
  responseKeys: string[];
}

const name = (value: string) => ({ kind: Kind.NAME, value }) as const;

/** `alias: myImagingHistory(args) { S }` becomes `alias: patient(nhsNumber: $__patientNhsNumber) { imagingHistory(args) { S } }`. */
function rewriteField(field: FieldNode): FieldNode {
  return {
    kind: Kind.FIELD,
    alias: name(field.alias?.value ?? MY_HISTORY_FIELD),
    name: name('patient'),
    arguments: [{ kind: Kind.ARGUMENT, name: name('nhsNumber'), value: { kind: Kind.VARIABLE, name: name(PATIENT_NHS_VARIABLE) } }],
    directives: field.directives ?? [],
    selectionSet: {
      kind: Kind.SELECTION_SET,
      selections: [{ ...field, alias: undefined, name: name('imagingHistory'), directives: [] }],
    },
  };
}

/**
 * The operation as the gateway plans it when it asks for myImagingHistory, or null when
 * it does not. Every root myImagingHistory field becomes the clinician's patient lookup
 * with the NHS number in a variable the caller cannot set, so one plan serves every
 * patient and the regional path is the one already there.
 */
export function rewriteMyImagingHistory(document: DocumentNode, operation: OperationDefinitionNode): RewrittenOperation | null {
  const responseKeys: string[] = [];
  const selections: SelectionNode[] = operation.selectionSet.selections.map((selection) => {
    if (selection.kind !== Kind.FIELD || selection.name.value !== MY_HISTORY_FIELD) return selection;
    responseKeys.push(selection.alias?.value ?? MY_HISTORY_FIELD);
    return rewriteField(selection);
  });
  if (responseKeys.length === 0) return null;
  const rewritten: OperationDefinitionNode = {
    ...operation,
    variableDefinitions: [
      ...(operation.variableDefinitions ?? []),
      {
        kind: Kind.VARIABLE_DEFINITION,
        variable: { kind: Kind.VARIABLE, name: name(PATIENT_NHS_VARIABLE) },
        type: { kind: Kind.NON_NULL_TYPE, type: { kind: Kind.NAMED_TYPE, name: name('String') } },
      },
    ],
    selectionSet: { ...operation.selectionSet, selections },
  };
  return {
    document: { ...document, definitions: document.definitions.map((definition) => (definition === operation ? rewritten : definition)) },
    operation: rewritten,
    responseKeys,
  };
}
