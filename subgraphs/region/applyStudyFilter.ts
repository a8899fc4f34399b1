import { parseFirst as parseFirstArg, parseStudyFilter as parseFilter, type StudyFilter, type StudyFilterInput } from '../../lib/domain/parseStudyFilter';
import type { StudyRow } from './db/studyReads';
import { badUserInput } from './errors';

export type { StudyFilter, StudyFilterInput };

/** Validates the filter; a bad value is a BAD_USER_INPUT error that says what is wrong. */
export function parseStudyFilter(input: StudyFilterInput | null | undefined): StudyFilter {
  const parsed = parseFilter(input);
  if (!parsed.ok) throw badUserInput(parsed.reason);
  return parsed.value;
}

export function parseFirst(first: number | null | undefined): number | null {
  const parsed = parseFirstArg(first);
  if (!parsed.ok) throw badUserInput(parsed.reason);
  return parsed.value;
}

/** Keeps the rows the filter admits, preserving their (newest-first) order. */
export function applyStudyFilter(rows: readonly StudyRow[], filter: StudyFilter): StudyRow[] {
  return rows.filter((row) => {
    if (!filter.includeEnteredInError && row.status === 'ENTERED_IN_ERROR') return false;
    if (!filter.includeNotInArchive && row.status === 'NOT_IN_ARCHIVE') return false;
    if (filter.modalities && !row.modalities.some((m) => filter.modalities!.has(m))) return false;
    // Undated studies cannot be placed in a date range, so a range excludes them.
    if (filter.from && (row.study_date === null || row.study_date < filter.from)) return false;
    if (filter.to && (row.study_date === null || row.study_date > filter.to)) return false;
    return true;
  });
}
