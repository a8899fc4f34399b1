import type { Fetched } from './DicomWebClient';

/** One page of Orthanc's change log, reduced to what the sync needs. */
export interface ChangePage {
  /** Orthanc IDs of studies that were created or became stable in this page. */
  studyIds: string[];
  /** Sequence number to resume after. */
  last: number;
  done: boolean;
}

const STUDY_CHANGES = new Set(['NewStudy', 'StableStudy']);

/**
 * Orthanc's REST change feed (`/changes?since=N&limit=M`). It records arrivals and changes
 * but no deletions; those are found by reconciliation.
 */
export class OrthancChangeFeed {
  constructor(private readonly restBaseUrl: string, private readonly timeoutMs: number) {}

  async page(since: number, limit: number): Promise<Fetched<ChangePage>> {
    const body = await this.get(`/changes?since=${since}&limit=${limit}`);
    if (!body.ok) return body;
    const b = body.value as { Changes?: unknown; Last?: unknown; Done?: unknown };
    if (!Array.isArray(b.Changes) || typeof b.Last !== 'number' || typeof b.Done !== 'boolean') {
      return { ok: false, reason: '/changes: not an Orthanc change list' };
    }
    const ids = new Set<string>();
    for (const c of b.Changes as Array<{ ChangeType?: unknown; ID?: unknown }>) {
      if (typeof c.ChangeType === 'string' && STUDY_CHANGES.has(c.ChangeType) && typeof c.ID === 'string') ids.add(c.ID);
    }
    return { ok: true, value: { studyIds: [...ids], last: b.Last, done: b.Done } };
  }

  /** The newest sequence number: where a first full pass leaves the feed. */
  async latest(): Promise<Fetched<number>> {
    const body = await this.get('/changes?last');
    if (!body.ok) return body;
    const last = (body.value as { Last?: unknown }).Last;
    return typeof last === 'number' ? { ok: true, value: last } : { ok: false, reason: '/changes?last: no Last' };
  }

  /** The StudyInstanceUID of an Orthanc study ID; null when the study is gone already. */
  async studyUid(orthancId: string): Promise<Fetched<string | null>> {
    const body = await this.get(`/studies/${encodeURIComponent(orthancId)}`, true);
    if (!body.ok) return body;
    if (body.value === null) return { ok: true, value: null };
    const uid = (body.value as { MainDicomTags?: { StudyInstanceUID?: unknown } }).MainDicomTags?.StudyInstanceUID;
    return typeof uid === 'string' ? { ok: true, value: uid } : { ok: false, reason: `/studies/${orthancId}: no StudyInstanceUID` };
  }

  private async get(path: string, missingIsNull = false): Promise<Fetched<unknown>> {
    let res: Response;
    try {
      res = await fetch(`${this.restBaseUrl}${path}`, { signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (err) {
      return { ok: false, reason: `${path}: ${(err as Error).name === 'TimeoutError' ? 'timed out' : ((err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message)}` };
    }
    if (missingIsNull && res.status === 404) {
      await res.body?.cancel().catch(() => undefined);
      return { ok: true, value: null };
    }
    if (res.status !== 200) {
      await res.body?.cancel().catch(() => undefined);
      return { ok: false, reason: `${path}: HTTP ${res.status}` };
    }
    try {
      return { ok: true, value: await res.json() };
    } catch {
      return { ok: false, reason: `${path}: the answer is not JSON` };
    }
  }
}
