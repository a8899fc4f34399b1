import type { IncomingMessage } from 'node:http';
import { Kind, parse, specifiedRules, validate, visit, type DocumentNode, type GraphQLSchema } from 'graphql';
// graphql-jit (zalando-incubator, the JIT behind Mercurius's `jit` option) compiles
// an operation into a plain JS function once, so a request skips graphql-js's per-field
// interpretation; with @apollo/subgraph it runs the same resolvers (_entities included).
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import { LRUCache } from 'lru-cache';

/** Options for {@link createCompiledExecutor}. */
export interface CompiledExecutorOptions {
  schema: GraphQLSchema;
  /** Extensions every answer carries, as Apollo Server's plugins add them (the region's membership position). */
  extensions: () => Record<string, unknown>;
  /** Distinct operations kept compiled (the gateway sends a handful). @defaultValue 500 */
  maxOperations?: number;
}

/**
 * Answers a request's body on the compiled path: the complete response body (exactly as
 * Apollo Server would have written it), or null when Apollo Server must answer instead.
 */
export type CompiledExecutor = <TContext>(req: IncomingMessage, body: unknown, context: () => Promise<TContext>) => Promise<string | null>;

/** A cache entry: the compiled operation, or a note that Apollo Server answers this document. */
type Prepared = { kind: 'compiled'; query: CompiledQuery } | { kind: 'apollo' };

const BODY_KEYS = new Set(['query', 'variables', 'operationName']);
/** Accept headers for which Apollo Server answers `application/json; charset=utf-8` (lib/http/createGraphQLHandler.ts sets it). */
const PLAIN_ACCEPT = new Set([undefined, 'application/json', '*/*']);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Only what Apollo Server would certainly accept: queries, no introspection (refused in production). */
function isPlainQuery(document: DocumentNode): boolean {
  let plain = true;
  visit(document, {
    OperationDefinition: (node) => {
      if (node.operation !== 'query') plain = false;
    },
    Field: (node) => {
      if (node.name.value === '__schema' || node.name.value === '__type') plain = false;
    },
    Directive: (node) => {
      // @defer/@stream make Apollo Server answer in parts; leave them to it.
      if (node.name.value === 'defer' || node.name.value === 'stream') plain = false;
    },
  });
  return plain && document.definitions.some((d) => d.kind === Kind.OPERATION_DEFINITION);
}

function prepare(schema: GraphQLSchema, query: string, operationName: string | undefined): Prepared {
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch {
    return { kind: 'apollo' };
  }
  if (validate(schema, document, specifiedRules).length > 0 || !isPlainQuery(document)) return { kind: 'apollo' };
  const compiled = compileQuery(schema, document, operationName);
  return isCompiledQuery(compiled) ? { kind: 'compiled', query: compiled } : { kind: 'apollo' };
}

/**
 * The region's hot path. Apollo Server's request pipeline (document cache by hash, plugin
 * hooks, graphql-js execution) cost more CPU per lookup than the SQL itself (bench/README.md,
 * "hot path"). Here a plain, valid query is compiled once with graphql-jit and answered
 * directly. Anything else, and every answer with an error, goes to Apollo Server, which
 * re-executes it (regional reads have no side effects): errors, refusals, status codes
 * and masking stay Apollo Server's alone, and an answer is byte-identical either way
 * (test/integration/compiledExecution.test.ts).
 */
export function createCompiledExecutor(options: CompiledExecutorOptions): CompiledExecutor {
  const { schema } = options;
  const cache = new LRUCache<string, Prepared>({ max: options.maxOperations ?? 500 });
  return async (req, body, context) => {
    const contentType = req.headers['content-type']?.split(';', 1)[0]?.trim().toLowerCase();
    if (req.method !== 'POST' || contentType !== 'application/json' || !PLAIN_ACCEPT.has(req.headers.accept)) return null;
    if (!isRecord(body) || typeof body.query !== 'string' || body.query === '') return null;
    for (const key of Object.keys(body)) if (!BODY_KEYS.has(key)) return null;
    const { variables, operationName } = body;
    if (variables !== undefined && variables !== null && !isRecord(variables)) return null;
    if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') return null;
    const key = `${operationName ?? ''}\u0000${body.query}`;
    let prepared = cache.get(key);
    if (!prepared) {
      prepared = prepare(schema, body.query, operationName ?? undefined);
      cache.set(key, prepared);
    }
    if (prepared.kind === 'apollo') return null;
    let result;
    try {
      result = await prepared.query.query(undefined, await context(), variables ?? {});
    } catch {
      return null;
    }
    if (result.errors && result.errors.length > 0) return null;
    // Apollo Server's own serialisation (runHttpQuery's orderExecutionResultFields + prettyJSONStringify).
    return `${JSON.stringify({ data: result.data, extensions: options.extensions() })}\n`;
  };
}
