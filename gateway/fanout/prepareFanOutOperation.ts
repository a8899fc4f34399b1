import {
  Kind,
  TypeInfo,
  getNamedType,
  getNullableType,
  isListType,
  parse,
  print,
  visit,
  visitWithTypeInfo,
  type ArgumentNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';

/** Aliases the gateway adds to every `studies` selection so it can order and de-duplicate across regions. */
export const HIDDEN = { uid: '_fo_uid', date: '_fo_date', time: '_fo_time', key: '_fo_key', count: '_fo_count', nhs: '_fo_nhs', sources: '_fo_src' } as const;

/** Fields the gateway computes itself and never asks a region for (regions on the previous contract lack them). */
const GATEWAY_COMPUTED: ReadonlyMap<string, string> = new Map([['ImagingHistory', 'coverage']]);

/** Types whose objects summarise what several regions answered (complete, sources). */
export const SCOPED_TYPES: ReadonlySet<string> = new Set(['ImagingHistory', 'ActivityReport']);
export const HIDDEN_PREFIX = '_fo_';

/** What the merge needs to know about one selected field. */
export interface FieldShape {
  /** Response key: the alias, or the field name. */
  key: string;
  name: string;
  parentType: string;
  /** Named return type (list and non-null wrappers removed). */
  typeName: string;
  list: boolean;
  children: SelectionShape | null;
  args: readonly ArgumentNode[];
}

/** Selections of one object, fragments flattened, by response key. */
export interface SelectionShape {
  fields: Map<string, FieldShape>;
}

/** A client used an alias the gateway reserves for merging. */
class ReservedAliasError extends Error {}

export type PreparedOperation =
  | {
      kind: 'query';
      /** The operation text sent to regions: the planner's fetch plus hidden merge fields. */
      query: string;
      root: SelectionShape;
      /** Every imagingHistory and studyActivity field, for routing by `filter.regions`. */
      histories: FieldShape[];
      /** True when something other than histories depends on which regions answer (e.g. a Study lookup). */
      needsAllRegions: boolean;
    }
  | { kind: 'refused'; reason: string };

function hiddenField(alias: string, name: string): FieldNode {
  return { kind: Kind.FIELD, alias: { kind: Kind.NAME, value: alias }, name: { kind: Kind.NAME, value: name } };
}

/**
 * Prepares one planned fetch for fan-out: refuses anything but a query (the contract has
 * no mutations, and a write must never reach every region), adds hidden fields that
 * ordering and de-duplication need, and computes the merge shape. Pure; the caller caches
 * the result per operation text, so this runs once per distinct fetch.
 */
export function prepareFanOutOperation(queryText: string, schema: GraphQLSchema): PreparedOperation {
  let document: DocumentNode;
  try {
    document = parse(queryText);
  } catch (err) {
    return { kind: 'refused', reason: `unparseable fetch: ${(err as Error).message}` };
  }
  const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  if (operations.length !== 1) return { kind: 'refused', reason: 'a fetch must hold exactly one operation' };
  const operation = operations[0]!;
  if (operation.kind !== Kind.OPERATION_DEFINITION || operation.operation !== 'query') {
    return { kind: 'refused', reason: 'only queries are fanned out to regions; writes go to one region through its ingest API' };
  }
  const typeInfo = new TypeInfo(schema);
  let rewritten: DocumentNode;
  try {
    rewritten = rewrite(document, typeInfo);
  } catch (err) {
    if (err instanceof ReservedAliasError) return { kind: 'refused', reason: `aliases starting with ${HIDDEN_PREFIX} are reserved by the gateway (${err.message})` };
    throw err;
  }
  const shaped = shapeDocument(rewritten, schema);
  return shaped.kind === 'query' ? { ...shaped, query: print(withoutGatewayFields(rewritten, new TypeInfo(schema))) } : shaped;
}

/** The fetch as regions receive it: without the fields only the gateway can answer. */
function withoutGatewayFields(document: DocumentNode, typeInfo: TypeInfo): DocumentNode {
  return visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field: {
        enter(node) {
          const parent = typeInfo.getParentType()?.name;
          return parent && GATEWAY_COMPUTED.get(parent) === node.name.value ? null : undefined;
        },
      },
      SelectionSet: {
        leave(node) {
          // A selection left empty (only gateway fields were asked for) must still be valid.
          return node.selections.length > 0 ? undefined : { ...node, selections: [{ kind: Kind.FIELD, name: { kind: Kind.NAME, value: '__typename' } }] };
        },
      },
    }),
  );
}

function rewrite(document: DocumentNode, typeInfo: TypeInfo): DocumentNode {
  return visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field: {
        enter(node) {
          if (node.alias?.value.startsWith(HIDDEN_PREFIX)) throw new ReservedAliasError(node.alias.value);
          return undefined;
        },
        leave(node) {
          if (!node.selectionSet) return undefined;
          const parent = typeInfo.getParentType()?.name;
          const returns = typeInfo.getType();
          let hidden: FieldNode[];
          if (returns && getNamedType(returns).name === 'ImagingHistory') {
            // Each region's own study count per history, for the sources the gateway writes.
            const count = hiddenField(HIDDEN.count, 'studyCount');
            hidden = [{ ...hiddenField(HIDDEN.sources, 'sources'), selectionSet: { kind: Kind.SELECTION_SET, selections: [count] } }];
          } else if (parent === 'ImagingHistory' && node.name.value === 'studies') {
            hidden = [hiddenField(HIDDEN.uid, 'studyInstanceUid'), hiddenField(HIDDEN.date, 'studyDate'), hiddenField(HIDDEN.time, 'studyTime'), hiddenField(HIDDEN.nhs, 'nhsNumber')];
          } else if (returns && getNamedType(returns).name === 'Study') {
            // Any other study (a lookup by UID): the audit trail records whose it was.
            hidden = [hiddenField(HIDDEN.nhs, 'nhsNumber')];
          } else if (parent === 'ActivityReport' && node.name.value === 'buckets') {
            hidden = [hiddenField(HIDDEN.key, 'key'), hiddenField(HIDDEN.count, 'studyCount')];
          } else {
            return undefined;
          }
          return { ...node, selectionSet: { ...node.selectionSet, selections: [...node.selectionSet.selections, ...hidden] } };
        },
      },
    }),
  );
}

function shapeDocument(rewritten: DocumentNode, schema: GraphQLSchema): PreparedOperation {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of rewritten.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const rewrittenOperation = rewritten.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  if (!rewrittenOperation || rewrittenOperation.kind !== Kind.OPERATION_DEFINITION) return { kind: 'refused', reason: 'no operation' };
  const queryType = schema.getQueryType();
  if (!queryType) return { kind: 'refused', reason: 'schema has no query type' };

  const histories: FieldShape[] = [];
  let needsAllRegions = false;
  const shapeOf = (selectionSet: SelectionSetNode, typeName: string, into: SelectionShape = { fields: new Map() }): SelectionShape => {
    for (const selection of selectionSet.selections) {
      switch (selection.kind) {
        case Kind.FIELD: {
          const key = selection.alias?.value ?? selection.name.value;
          const name = selection.name.value;
          const parent = schema.getType(typeName);
          const fieldDef = parent && 'getFields' in parent ? (parent.getFields() as Record<string, { type: import('graphql').GraphQLOutputType }>)[name] : undefined;
          const outType = fieldDef?.type;
          const named = outType ? getNamedType(outType).name : name === '__typename' ? 'String' : 'Unknown';
          const existing = into.fields.get(key);
          const field: FieldShape = existing ?? {
            key,
            name,
            parentType: typeName,
            typeName: named,
            list: outType ? isListType(getNullableType(outType)) : false,
            children: null,
            args: selection.arguments ?? [],
          };
          if (selection.selectionSet) field.children = shapeOf(selection.selectionSet, named, field.children ?? { fields: new Map() });
          if (!existing) {
            into.fields.set(key, field);
            if (SCOPED_TYPES.has(named)) histories.push(field);
            if (named === 'Study' && typeName !== 'ImagingHistory' && typeName !== 'Study') needsAllRegions = true;
          }
          break;
        }
        case Kind.INLINE_FRAGMENT: {
          const onType = selection.typeCondition?.name.value ?? typeName;
          if (onType === 'Study') needsAllRegions = true;
          shapeOf(selection.selectionSet, onType, into);
          break;
        }
        case Kind.FRAGMENT_SPREAD: {
          const fragment = fragments.get(selection.name.value);
          if (fragment) {
            if (fragment.typeCondition.name.value === 'Study') needsAllRegions = true;
            shapeOf(fragment.selectionSet, fragment.typeCondition.name.value, into);
          }
          break;
        }
        default: {
          const exhaustive: never = selection;
          throw new Error(`unexpected selection ${String(exhaustive)}`);
        }
      }
    }
    return into;
  };
  const root = shapeOf(rewrittenOperation.selectionSet, queryType.name);
  return { kind: 'query', query: print(rewritten), root, histories, needsAllRegions };
}
