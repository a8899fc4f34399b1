import { regionSubgraphSchema } from '../../lib/contract';
import type { RegionRef } from '../../lib/domain/RegionRef';
import { mergeRegionAnswers, type MergeInput } from '../../gateway/fanout/merge/mergeRegionAnswers';
import type { RegionAnswer, RegionFailure, RegionOutcome } from '../../gateway/fanout/merge/RegionAnswer';
import { prepareFanOutOperation, type FieldShape, type SelectionShape } from '../../gateway/fanout/prepareFanOutOperation';
import { regionsAskedFor } from '../../gateway/fanout/routeFetch';

export const LDS: RegionRef = { code: 'LDS', name: 'West Yorkshire' };
export const LON: RegionRef = { code: 'LON', name: 'London' };
export const MAN: RegionRef = { code: 'MAN', name: 'Greater Manchester' };

export const HISTORY_QUERY = `query($nhs: String!, $first: Int) {
  patient(nhsNumber: $nhs) {
    nhsNumber
    imagingHistory(first: $first) {
      complete
      sources { region { code } status latencyMs studyCount }
      studies { studyInstanceUid studyDate region { code } locations { region { code } } }
    }
  }
}`;

export function prepared(query: string) {
  const p = prepareFanOutOperation(query, regionSubgraphSchema());
  if (p.kind !== 'query') throw new Error(p.reason);
  return p;
}

/** The field shape at a path of response keys. */
export function fieldAt(root: SelectionShape, ...keys: string[]): FieldShape {
  let shape: SelectionShape | null = root;
  let field: FieldShape | undefined;
  for (const key of keys) {
    field = shape?.fields.get(key);
    if (!field) throw new Error(`no field ${key}`);
    shape = field.children;
  }
  return field!;
}

/** A study as a region answers it for HISTORY_QUERY, hidden merge fields included. */
export function study(uid: string, date: string | null, region: { code: string }, time: string | null = '10:00:00') {
  return { studyInstanceUid: uid, studyDate: date, region: { code: region.code }, locations: [{ region: { code: region.code } }], _fo_uid: uid, _fo_date: date, _fo_time: time };
}

/** A region's answer to HISTORY_QUERY. */
export function answer(region: RegionRef, studies: unknown[], extra: Partial<RegionAnswer> = {}): RegionAnswer {
  return {
    region,
    latencyMs: 42,
    data: {
      patient: {
        nhsNumber: '9990000018',
        imagingHistory: { complete: true, sources: [{ region: { code: region.code }, status: 'OK', latencyMs: 1, studyCount: studies.length }], _fo_src: [{ _fo_count: studies.length }], studies },
      },
    },
    errors: [],
    ...extra,
  };
}

/**
 * The merge as production wires it: threshold 5 unless given, the fan-out's own routing,
 * every region asked in registry (code) order, none skipped unless given.
 */
export const merge = (
  input: Omit<MergeInput, 'suppressionThreshold' | 'regionsAskedFor' | 'outcomes' | 'skipped'> & {
    answers: RegionAnswer[];
    failures: RegionFailure[];
    skipped?: string[];
    suppressionThreshold?: number;
  },
) => {
  const { answers, failures, skipped = [], ...rest } = input;
  const outcomes: RegionOutcome[] = [
    ...answers.map((answer) => ({ kind: 'answer' as const, answer })),
    ...failures.map((failure) => ({ kind: 'failure' as const, failure })),
  ].sort((a, b) => code(a).localeCompare(code(b)));
  return mergeRegionAnswers({ suppressionThreshold: 5, regionsAskedFor, outcomes, skipped, ...rest });
};

const code = (o: RegionOutcome) => (o.kind === 'answer' ? o.answer.region.code : o.failure.region.code);

/** The merged history of HISTORY_QUERY-shaped data. */
export function historyOf(data: Record<string, unknown> | null): any {
  return (data as any).patient.imagingHistory;
}
