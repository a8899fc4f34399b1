import { parseStudyDate } from '../../lib/domain/dicomValues';
import type { StudyRow } from './db/studyReads';
import { badUserInput } from './errors';

/** The StudyFilter input as GraphQL delivers it. */
export interface StudyFilterInput {
  modalities?: string[] | null;
  from?: string | null;
  to?: string | null;
  regions?: string[] | null;
  includeEnteredInError?: boolean | null;
}

/** A checked filter, ready to apply. */
export interface StudyFilter {
  modalities: Set<string> | null;
  from: string | null;
  to: string | null;
  regions: Set<string> | null;
  includeEnteredInError: boolean;
}

const MAX_FIRST = 1000;

/** Validates filter and `first`; bad values are BAD_USER_INPUT errors that say what is wrong. */
export function parseStudyFilter(input: StudyFilterInput | null | undefined): StudyFilter {
  const from = input?.from != null ? parseDate(input.from, 'filter.from') : null;
  const to = input?.to != null ? parseDate(input.to, 'filter.to') : null;
  if (from && to && from > to) throw badUserInput(`filter.from (${from}) is after filter.to (${to})`);
  const modalities = input?.modalities ? new Set(input.modalities.map((m) => m.trim().toUpperCase())) : null;
  for (const m of modalities ?? []) {
    if (!/^[A-Z0-9_]{1,16}$/.test(m)) throw badUserInput(`filter.modalities: "${m.slice(0, 20)}" is not a DICOM modality code`);
  }
  const regions = input?.regions ? new Set(input.regions.map((r) => r.trim().toUpperCase())) : null;
  return { modalities, from, to, regions, includeEnteredInError: input?.includeEnteredInError === true };
}

export function parseFirst(first: number | null | undefined): number | null {
  if (first == null) return null;
  if (!Number.isInteger(first) || first < 1 || first > MAX_FIRST) throw badUserInput(`first must be between 1 and ${MAX_FIRST}, got ${first}`);
  return first;
}

function parseDate(value: string, label: string): string {
  const parsed = parseStudyDate(value, label);
  if (!parsed.ok) throw badUserInput(parsed.reason);
  return parsed.value;
}

/** Keeps the rows the filter admits, preserving their (newest-first) order. */
export function applyStudyFilter(rows: readonly StudyRow[], filter: StudyFilter): StudyRow[] {
  return rows.filter((row) => {
    if (!filter.includeEnteredInError && row.status === 'ENTERED_IN_ERROR') return false;
    if (filter.modalities && !row.modalities.some((m) => filter.modalities!.has(m))) return false;
    // Undated studies cannot be placed in a date range, so a range excludes them.
    if (filter.from && (row.study_date === null || row.study_date < filter.from)) return false;
    if (filter.to && (row.study_date === null || row.study_date > filter.to)) return false;
    return true;
  });
}
