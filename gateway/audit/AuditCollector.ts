import type { RegionStatus } from '../../lib/domain/RegionRef';

/** What one region was asked and returned for one request: counts, never data. */
export interface AuditRegion {
  code: string;
  status: RegionStatus;
  studyCount: number | null;
}

/**
 * Gathers, during one request, what the audit record needs: whether the operation reads
 * patient-identifiable fields, which NHS numbers and studies it names, and what each region
 * answered. The fan-out data source reports into it; the audit plugin writes it out.
 */
export class AuditCollector {
  identifiable = false;
  denied = false;
  readonly nhsNumbers = new Set<string>();
  readonly studyUids = new Set<string>();
  private readonly regions = new Map<string, AuditRegion>();

  recordRegion(code: string, status: AuditRegion['status'], studyCount: number | null): void {
    const earlier = this.regions.get(code);
    if (!earlier) {
      this.regions.set(code, { code, status, studyCount });
      return;
    }
    // Several fetches in one request: a failure anywhere counts, study counts add up.
    this.regions.set(code, {
      code,
      status: earlier.status !== 'OK' ? earlier.status : status,
      studyCount: earlier.studyCount === null || studyCount === null ? null : earlier.studyCount + studyCount,
    });
  }

  regionList(): AuditRegion[] {
    return [...this.regions.values()].sort((a, b) => a.code.localeCompare(b.code));
  }
}
