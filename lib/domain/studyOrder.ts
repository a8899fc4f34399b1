/**
 * The one order of a patient's studies, everywhere: newest first (date, then time), undated
 * and untimed last, StudyInstanceUID ascending by code point as the tie-break. Regions sort
 * in SQL (STUDY_ORDER_SQL), the gateway re-sorts the combined list (compareStudyOrder);
 * both must agree or `first: N` would keep different studies depending on who sorted.
 */
export interface StudyOrderKey {
  /** ISO date (YYYY-MM-DD) or null. */
  date: string | null;
  /** HH:MM:SS or null. */
  time: string | null;
  uid: string;
}

/** Newest first; missing dates and times last; UID by code point. */
export function compareStudyOrder(a: StudyOrderKey, b: StudyOrderKey): number {
  return descendingNullsLast(a.date, b.date) || descendingNullsLast(a.time, b.time) || (a.uid < b.uid ? -1 : a.uid > b.uid ? 1 : 0);
}

function descendingNullsLast(a: string | null, b: string | null): number {
  const x = a ?? '';
  const y = b ?? '';
  if (x === y) return 0;
  if (x === '') return 1;
  if (y === '') return -1;
  return x < y ? 1 : -1;
}

/**
 * The same order as SQL over the `study` table. COLLATE "C" compares UIDs by byte, as
 * JavaScript does; a locale collation would ignore the dots and order ties differently.
 */
export const STUDY_ORDER_SQL = 'study_date DESC NULLS LAST, study_time DESC NULLS LAST, study_instance_uid COLLATE "C"';
