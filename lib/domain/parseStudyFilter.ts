import { parseStudyDate } from './dicomValues';

/** The StudyFilter input as GraphQL delivers it. */
export interface StudyFilterInput {
  modalities?: string[] | null;
  from?: string | null;
  to?: string | null;
  regions?: string[] | null;
  includeEnteredInError?: boolean | null;
  includeNotInArchive?: boolean | null;
}

/** A checked filter, ready to apply. */
export interface StudyFilter {
  modalities: Set<string> | null;
  from: string | null;
  to: string | null;
  regions: Set<string> | null;
  includeEnteredInError: boolean;
  /** Studies reconciliation found gone from their archive (status NOT_IN_ARCHIVE). */
  includeNotInArchive: boolean;
}

export const MAX_FIRST = 1000;

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

/**
 * Checks a history filter. The gateway checks it before planning (a bad filter costs no
 * region call, and a patient no region is asked about still gets the error); each region
 * checks again before it reads.
 */
export function parseStudyFilter(input: StudyFilterInput | null | undefined): Parsed<StudyFilter> {
  let from: string | null = null;
  let to: string | null = null;
  for (const [label, value] of [['filter.from', input?.from], ['filter.to', input?.to]] as const) {
    if (value == null) continue;
    const parsed = parseStudyDate(value, label);
    if (!parsed.ok) return { ok: false, reason: parsed.reason };
    if (label === 'filter.from') from = parsed.value;
    else to = parsed.value;
  }
  if (from && to && from > to) return { ok: false, reason: `filter.from (${from}) is after filter.to (${to})` };
  const modalities = input?.modalities ? new Set(input.modalities.map((m) => String(m).trim().toUpperCase())) : null;
  for (const m of modalities ?? []) {
    if (!/^[A-Z0-9_]{1,16}$/.test(m)) return { ok: false, reason: `filter.modalities: "${m.slice(0, 20)}" is not a DICOM modality code` };
  }
  const regions = input?.regions ? new Set(input.regions.map((r) => String(r).trim().toUpperCase())) : null;
  return { ok: true, value: { modalities, from, to, regions, includeEnteredInError: input?.includeEnteredInError === true, includeNotInArchive: input?.includeNotInArchive === true } };
}

/** Checks `first` (1..MAX_FIRST); absent means no limit. */
export function parseFirst(first: unknown): Parsed<number | null> {
  if (first == null) return { ok: true, value: null };
  if (typeof first !== 'number' || !Number.isInteger(first) || first < 1 || first > MAX_FIRST) {
    return { ok: false, reason: `first must be between 1 and ${MAX_FIRST}, got ${String(first)}` };
  }
  return { ok: true, value: first };
}
