import type { StoredStudyStatus } from '../StudyRecord';
import type { Pool } from 'pg';
import { STUDY_ORDER_SQL } from '../../../lib/domain/studyOrder';
import { queryPrepared } from '../../../lib/db/queryPrepared';

/** A study row as read for answers; dates and times already formatted as ISO text by SQL. */
export interface StudyRow {
  study_instance_uid: string;
  nhs_number: string;
  local_patient_id: string | null;
  issuer_of_patient_id: string | null;
  accession_number: string | null;
  study_date: string | null;
  study_time: string | null;
  modalities: string[];
  description: string | null;
  body_part_examined: string | null;
  referring_physician: string | null;
  series_count: number | null;
  instance_count: number | null;
  availability: string | null;
  ods_code: string | null;
  organisation_name: string | null;
  status: StoredStudyStatus;
  wado_rs_url: string | null;
  viewer_url: string | null;
}

export interface SeriesRow {
  series_instance_uid: string;
  study_instance_uid: string;
  series_number: number | null;
  modality: string | null;
  description: string | null;
  body_part_examined: string | null;
  instance_count: number | null;
}

// to_char keeps dates as plain text: no time-zone shifts from JS Date conversion.
const STUDY_SELECT = `SELECT study_instance_uid, nhs_number, local_patient_id, issuer_of_patient_id, accession_number,
  to_char(study_date, 'YYYY-MM-DD') AS study_date, to_char(study_time, 'HH24:MI:SS') AS study_time,
  modalities, description, body_part_examined, referring_physician, series_count, instance_count,
  availability, ods_code, organisation_name, status, wado_rs_url, viewer_url
  FROM study`;


/**
 * All studies of the given patients, in one query, each patient's newest first. Served by
 * study_patient_history_idx (NHS number equality, date order).
 */
export const HISTORIES_SQL = `${STUDY_SELECT} WHERE nhs_number = ANY($1::char(10)[]) ORDER BY nhs_number, ${STUDY_ORDER_SQL}`;

// Prepared (lib/db/queryPrepared.ts): they run on every lookup.
export async function selectHistories(pool: Pool, nhsNumbers: readonly string[]): Promise<StudyRow[]> {
  const result = await queryPrepared<StudyRow>(pool, { name: 'region-histories', text: HISTORIES_SQL, values: [nhsNumbers] });
  return result.rows;
}

export async function selectStudies(pool: Pool, uids: readonly string[]): Promise<StudyRow[]> {
  const result = await queryPrepared<StudyRow>(pool, { name: 'region-studies', text: `${STUDY_SELECT} WHERE study_instance_uid = ANY($1)`, values: [uids] });
  return result.rows;
}

export async function selectSeries(pool: Pool, studyUids: readonly string[]): Promise<SeriesRow[]> {
  const result = await queryPrepared<SeriesRow>(pool, {
    name: 'region-series',
    text: `SELECT series_instance_uid, study_instance_uid, series_number, modality, description, body_part_examined, instance_count
     FROM series WHERE study_instance_uid = ANY($1) ORDER BY study_instance_uid, series_number NULLS LAST, series_instance_uid`,
    values: [studyUids],
  });
  return result.rows;
}
