import type { Pool } from 'pg';

export type ActivityDimension = 'REGION' | 'MODALITY' | 'MONTH' | 'ORGANISATION';

export interface ActivityQuery {
  groupBy: ReadonlySet<ActivityDimension>;
  from: string | null;
  to: string | null;
  modalities: string[] | null;
}

export interface ActivityRow {
  modality: string | null;
  month: string | null;
  ods_code: string | null;
  organisation_name: string | null;
  study_count: number;
}

/**
 * Study counts grouped by the chosen dimensions, entered-in-error studies excluded. The SQL
 * is assembled only from fixed fragments chosen by the enum; every value is a parameter.
 * The date range uses study_date_idx and the modality filter the GIN index on modalities.
 */
export async function selectActivity(pool: Pool, query: ActivityQuery): Promise<ActivityRow[]> {
  const { sql, params } = activitySql(query);
  const { rows } = await pool.query<ActivityRow>(sql, params);
  return rows;
}

/** The activity query's SQL and parameters (exported so its plan can be checked). */
export function activitySql(query: ActivityQuery): { sql: string; params: unknown[] } {
  const byModality = query.groupBy.has('MODALITY');
  const byMonth = query.groupBy.has('MONTH');
  const byOrg = query.groupBy.has('ORGANISATION');
  const where = [`status = 'AVAILABLE'`];
  const params: unknown[] = [];
  if (query.from) {
    params.push(query.from);
    where.push(`study_date >= $${params.length}::date`);
  }
  if (query.to) {
    params.push(query.to);
    where.push(`study_date <= $${params.length}::date`);
  }
  if (query.modalities) {
    params.push(query.modalities);
    where.push(`modalities && $${params.length}::text[]`);
  }
  const modality = byModality ? 'm.modality' : 'NULL::text';
  const month = byMonth ? `to_char(study_date, 'YYYY-MM')` : 'NULL::text';
  const ods = byOrg ? 'ods_code' : 'NULL::text';
  const orgName = byOrg ? 'max(organisation_name)' : 'NULL::text';
  const from = byModality
    ? `study CROSS JOIN LATERAL unnest(CASE WHEN cardinality(modalities) = 0 THEN ARRAY['UNKNOWN'] ELSE modalities END) AS m(modality)`
    : 'study';
  const modalityFilter = byModality && query.modalities ? ` AND m.modality = ANY($${params.length}::text[])` : '';
  const sql = `SELECT ${modality} AS modality, ${month} AS month, ${ods} AS ods_code, ${orgName} AS organisation_name, count(*)::int AS study_count
    FROM ${from} WHERE ${where.join(' AND ')}${modalityFilter}
    GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`;
  return { sql, params };
}
