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

/** Version of schema/region.graphql; regions on it keep membership for the patient locator. */
export const CONTRACT_VERSION = 2;
/** The previous contract (schema/region.previous.graphql), still accepted so regions can upgrade one at a time. */
export const PREVIOUS_CONTRACT_VERSION = 1;
const PREVIOUS_REGION_SDL = fs.readFileSync(path.join(SCHEMA_DIR, 'region.previous.graphql'), 'utf8');

let previousSchema: GraphQLSchema | null = null;

/** The previous contract as a subgraph schema. */
export function previousRegionSubgraphSchema(): GraphQLSchema {
  previousSchema ??= buildSubgraphSchema([{ typeDefs: parse(PREVIOUS_REGION_SDL) }]);
  return previousSchema;
}
