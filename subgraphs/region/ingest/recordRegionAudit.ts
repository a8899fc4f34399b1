import type { Pool } from 'pg';
import type { User } from '../../../lib/auth/Principal';

/** One region-team read of patient data, as written to region_audit_event. */
export interface RegionAuditEntry {
  user: User;
  operation: string;
  nhsNumbers: string[];
  studyUids: string[];
  resultCount: number;
}

/**
 * Records a region-team read in the region's append-only audit table before the answer
 * leaves: if the record cannot be written, the read fails (the caller's error masker
 * turns it into INTERNAL_SERVER_ERROR) and no data is shown.
 */
export async function recordRegionAudit(pool: Pool, entry: RegionAuditEntry): Promise<void> {
  await pool.query(
    'INSERT INTO region_audit_event (user_id, role, operation, nhs_numbers, study_uids, result_count) VALUES ($1, $2, $3, $4, $5, $6)',
    [entry.user.id, entry.user.role, entry.operation, entry.nhsNumbers, entry.studyUids, entry.resultCount],
  );
}
