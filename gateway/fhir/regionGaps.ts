import type { GraphQLFormattedError } from 'graphql';
import { GatewayErrorCode } from '../errors';
import { FhirSystem } from './fhirSystems';
import type { OperationOutcomeIssue } from './FhirTypes';
import type { GraphQLSource } from './imagingStudyOperations';

/** A region that was asked and did not answer. */
export interface RegionGap {
  code: string;
  name: string | null;
  status: 'UNAVAILABLE' | 'TIMEOUT';
  /** The gateway's own message for it (says why), when there is one. */
  message: string | null;
}

const REGION_CODES: ReadonlySet<string> = new Set([GatewayErrorCode.REGION_UNAVAILABLE, GatewayErrorCode.REGION_TIMEOUT]);

export function isRegionError(error: GraphQLFormattedError): boolean {
  return REGION_CODES.has(String(error.extensions?.code)) && typeof error.extensions?.region === 'string';
}

/**
 * The regions that did not answer, from the GraphQL answer: a history's `sources` (which
 * account for every region asked) and the one error the gateway adds per failed region
 * (the only record a `study` lookup has). One gap per region, in region-code order.
 */
export function regionGaps(sources: readonly GraphQLSource[], errors: readonly GraphQLFormattedError[]): RegionGap[] {
  const gaps = new Map<string, RegionGap>();
  for (const s of sources) {
    if (s.status !== 'OK') gaps.set(s.region.code, { code: s.region.code, name: s.region.name, status: s.status, message: null });
  }
  for (const e of errors.filter(isRegionError)) {
    const code = e.extensions!.region as string;
    const status = e.extensions!.code === GatewayErrorCode.REGION_TIMEOUT ? 'TIMEOUT' : 'UNAVAILABLE';
    gaps.set(code, { code, name: gaps.get(code)?.name ?? null, status: gaps.get(code)?.status ?? status, message: e.message });
  }
  return [...gaps.values()].sort((a, b) => a.code.localeCompare(b.code));
}

/** The OperationOutcome issue for one gap: `timeout` or `incomplete`, naming the region in code and words. */
export function regionGapIssue(gap: RegionGap, severity: 'warning' | 'error' = 'warning'): OperationOutcomeIssue {
  const label = gap.name ? `${gap.code} (${gap.name})` : gap.code;
  return {
    severity,
    code: gap.status === 'TIMEOUT' ? 'timeout' : 'incomplete',
    details: {
      coding: [{ system: FhirSystem.REGION, code: gap.code, ...(gap.name ? { display: gap.name } : {}) }],
      text: `Region ${label} did not answer: its studies are missing from this result`,
    },
    diagnostics: gap.message ?? (gap.status === 'TIMEOUT' ? `Region ${label} did not answer in time` : `Region ${label} is unavailable`),
  };
}
