import type { ImagingStudySearch } from './ImagingStudySearch';
import type { StudyFilterVariables } from './imagingStudyOperations';
import { londonDate } from './londonTime';

/** The years the contract's date filter accepts (lib/domain/dicomValues.ts). */
const FIRST_DATE = '1900-01-01';
const LAST_DATE = '2100-12-31';

/**
 * The GraphQL StudyFilter that narrows a patient's history as far as whole London days and
 * modalities allow, so regions send less. It only ever admits more than the search (the
 * exact rules run afterwards, in matchesSearch), never less.
 */
export function toStudyFilter(search: ImagingStudySearch): StudyFilterVariables {
  const filter: StudyFilterVariables = {};
  // Several modality parameters are ANDed: only a single OR-list narrows safely.
  if (search.modalities.length === 1) filter.modalities = search.modalities[0]!;
  let from: string | null = null;
  let to: string | null = null;
  for (const c of search.started) {
    // A study matching gt/ge/eq ends after the value starts: it is dated on or after that London day.
    if (c.prefix !== 'lt' && c.prefix !== 'le') {
      const day = londonDate(c.start);
      if (from === null || day > from) from = day;
    }
    // A study matching lt starts before the value starts, and one matching le/eq before it
    // ends: dated on or before the London day of that last millisecond.
    if (c.prefix !== 'gt' && c.prefix !== 'ge') {
      const day = londonDate(c.prefix === 'lt' ? c.start - 1 : c.end - 1);
      if (to === null || day < to) to = day;
    }
  }
  // Out-of-range or contradictory bounds stay out of the filter (the exact rules still
  // apply afterwards), so the operation never fails on a filter the search did not write.
  const usable = (d: string | null): d is string => d !== null && d >= FIRST_DATE && d <= LAST_DATE;
  if (usable(from) && (!usable(to) || from <= to)) filter.from = from;
  if (usable(to) && (!usable(from) || from <= to)) filter.to = to;
  if (search.statuses.has('entered-in-error')) filter.includeEnteredInError = true;
  // A study its archive no longer holds (NOT_IN_ARCHIVE) is `unknown` in FHIR.
  if (search.statuses.has('unknown')) filter.includeNotInArchive = true;
  return filter;
}
