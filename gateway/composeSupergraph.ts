import fs from 'node:fs';
import path from 'node:path';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { REGION_SDL, SCHEMA_DIR } from '../lib/contract';

export const NATIONAL_SDL = fs.readFileSync(path.join(SCHEMA_DIR, 'national.graphql'), 'utf8');

/** Subgraph names in the supergraph; the gateway's buildService dispatches on them. */
export const SUBGRAPH = { regions: 'regions', national: 'national' } as const;

/**
 * Composes the supergraph from schema/ with @apollo/composition (never by introspecting
 * live services). The regional contract appears once: every region is a shard of it.
 * URLs are placeholders; the fan-out data source knows the real regional endpoints.
 */
export function composeSupergraph(): string {
  const result = composeServices([
    { name: SUBGRAPH.regions, typeDefs: parse(REGION_SDL), url: 'http://regions.fanout.invalid/graphql' },
    { name: SUBGRAPH.national, typeDefs: parse(NATIONAL_SDL), url: 'http://national.local.invalid/graphql' },
  ]);
  if (result.errors) throw new Error(`supergraph composition failed: ${result.errors.map((e) => e.message).join('; ')}`);
  return result.supergraphSdl;
}
