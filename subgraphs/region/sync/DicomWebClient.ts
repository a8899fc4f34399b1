import { TAG } from '../bulk/DicomJson';

/** A DICOM JSON object as an archive sends it (validated later, by parseDicomJsonStudy). */
export type DicomJsonRecord = Record<string, unknown>;

/** What one read of an archive gave: the answer, or why there is none. */
export type Fetched<T> = { ok: true; value: T } | { ok: false; reason: string };

/**
 * Study attributes asked for by name: Orthanc 1.10 ignores `includefield=all`, and an
 * archive returns only its defaults otherwise.
 */
export const STUDY_INCLUDE_FIELDS = [
  TAG.SpecificCharacterSet, TAG.StudyDate, TAG.StudyTime, TAG.AccessionNumber, TAG.InstanceAvailability,
  TAG.ModalitiesInStudy, TAG.ReferringPhysicianName, TAG.StudyDescription, TAG.RetrieveURL,
  '00100010', TAG.PatientID, TAG.IssuerOfPatientID, '00100030', '00100040',
  TAG.StudyInstanceUID, TAG.NumberOfStudyRelatedSeries, TAG.NumberOfStudyRelatedInstances,
] as const;

export const SERIES_INCLUDE_FIELDS = [
  TAG.Modality, TAG.SeriesDescription, TAG.BodyPartExamined, TAG.SeriesInstanceUID, TAG.SeriesNumber, TAG.NumberOfSeriesRelatedInstances,
] as const;

/**
 * A DICOMweb client over fetch (undici): QIDO-RS searches and WADO-RS metadata, JSON only.
 * Every failure (network, timeout, HTTP status, malformed body) is a value with a reason;
 * "no match" (204, or 200 with []) is an empty list, as archives answer it both ways.
 */
export class DicomWebClient {
  constructor(private readonly baseUrl: string, private readonly timeoutMs: number) {}

  /** One page of the study listing, or the studies with one UID. */
  searchStudies(page: { offset: number; limit: number } | { studyInstanceUid: string }): Promise<Fetched<DicomJsonRecord[]>> {
    const q = new URLSearchParams();
    if ('studyInstanceUid' in page) q.set('StudyInstanceUID', page.studyInstanceUid);
    else {
      q.set('limit', String(page.limit));
      q.set('offset', String(page.offset));
    }
    for (const f of STUDY_INCLUDE_FIELDS) q.append('includefield', f);
    return this.getList(`/studies?${q}`);
  }

  searchSeries(studyUid: string): Promise<Fetched<DicomJsonRecord[]>> {
    const q = new URLSearchParams();
    for (const f of SERIES_INCLUDE_FIELDS) q.append('includefield', f);
    return this.getList(`/studies/${encodeURIComponent(studyUid)}/series?${q}`);
  }

  /**
   * Metadata of one instance of the study: patient and study attributes QIDO-RS does not
   * return (Other Patient IDs Sequence, Institution Code Sequence). Null for a study with no instances.
   */
  async oneInstanceMetadata(studyUid: string): Promise<Fetched<DicomJsonRecord | null>> {
    const study = encodeURIComponent(studyUid);
    const q = new URLSearchParams({ limit: '1' });
    q.append('includefield', TAG.SeriesInstanceUID);
    q.append('includefield', TAG.SOPInstanceUID);
    const found = await this.getList(`/studies/${study}/instances?${q}`);
    if (!found.ok) return found;
    const first = found.value[0];
    const series = first ? firstString(first, TAG.SeriesInstanceUID) : null;
    const instance = first ? firstString(first, TAG.SOPInstanceUID) : null;
    if (!series || !instance) return { ok: true, value: null };
    const meta = await this.getList(`/studies/${study}/series/${encodeURIComponent(series)}/instances/${encodeURIComponent(instance)}/metadata`);
    if (!meta.ok) return meta;
    return { ok: true, value: meta.value[0] ?? null };
  }

  private async getList(pathAndQuery: string): Promise<Fetched<DicomJsonRecord[]>> {
    const url = `${this.baseUrl}${pathAndQuery}`;
    let res: Response;
    try {
      res = await fetch(url, { headers: { accept: 'application/dicom+json, application/json' }, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code;
      return { ok: false, reason: `${pathAndQuery.split('?')[0]}: ${(err as Error).name === 'TimeoutError' ? `no answer within ${this.timeoutMs} ms` : (cause ?? (err as Error).message)}` };
    }
    if (res.status === 204) return { ok: true, value: [] };
    if (res.status !== 200) {
      await res.body?.cancel().catch(() => undefined);
      return { ok: false, reason: `${pathAndQuery.split('?')[0]}: HTTP ${res.status}` };
    }
    let body: unknown;
    try {
      body = await res.json();
    } catch {
      return { ok: false, reason: `${pathAndQuery.split('?')[0]}: the answer is not JSON` };
    }
    if (!Array.isArray(body) || !body.every((o) => typeof o === 'object' && o !== null && !Array.isArray(o))) {
      return { ok: false, reason: `${pathAndQuery.split('?')[0]}: the answer is not a DICOM JSON array` };
    }
    return { ok: true, value: body as DicomJsonRecord[] };
  }
}

/** The first value of an attribute when it is a string. */
export function firstString(o: DicomJsonRecord, tag: string): string | null {
  const attr = o[tag] as { Value?: unknown[] } | undefined;
  const v = attr?.Value?.[0];
  return typeof v === 'string' ? v : null;
}
