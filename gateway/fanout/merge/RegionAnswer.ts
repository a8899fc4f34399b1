import type { GraphQLFormattedError } from 'graphql';
import type { RegionFailureStatus, RegionRef } from '../../../lib/domain/RegionRef';

/** One region's GraphQL answer to one fanned-out fetch. */
export interface RegionAnswer {
  region: RegionRef;
  /** The round trip the gateway measured. */
  latencyMs: number;
  data: Record<string, unknown> | null;
  errors: GraphQLFormattedError[];
}

/** A region asked for one fetch that gave no usable answer. */
export interface RegionFailure {
  region: RegionRef;
  status: RegionFailureStatus;
  latencyMs: number | null;
}

/** What came of asking one region for one fetch. */
export type RegionOutcome = { kind: 'answer'; answer: RegionAnswer } | { kind: 'failure'; failure: RegionFailure };
