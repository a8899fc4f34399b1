import fs from 'node:fs';
import path from 'node:path';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse, type GraphQLSchema } from 'graphql';

export const SCHEMA_DIR = path.resolve(__dirname, '..', 'schema');

/** The regional contract: the single SDL every region serves (schema/region.graphql). */
export const REGION_SDL = fs.readFileSync(path.join(SCHEMA_DIR, 'region.graphql'), 'utf8');

let regionSchema: GraphQLSchema | null = null;

/** The contract as a subgraph schema (with _entities and _service), for type-aware processing. */
export function regionSubgraphSchema(): GraphQLSchema {
  regionSchema ??= buildSubgraphSchema([{ typeDefs: parse(REGION_SDL) }]);
  return regionSchema;
}
