import { TAG } from '../bulk/DicomJson';
import { parseDicomJsonStudy, type ParsedStudy } from '../bulk/parseDicomJsonStudy';
import type { ArchiveConfig } from './ArchiveConfig';
import { firstString, SERIES_INCLUDE_FIELDS, type DicomJsonRecord, type DicomWebClient, type Fetched } from './DicomWebClient';

/** Patient and study attributes that only WADO-RS metadata carries (QIDO-RS never returns them). */
const METADATA_TAGS = [
  TAG.OtherPatientIDs, TAG.OtherPatientIDsSequence, TAG.InstitutionName, TAG.InstitutionCodeSequence,
  TAG.StudyStatusID, TAG.BodyPartExamined,
] as const;

function pick(o: DicomJsonRecord, tags: readonly string[]): DicomJsonRecord {
  const out: DicomJsonRecord = {};
  for (const t of tags) if (o[t] !== undefined) out[t] = o[t];
  return out;
}

/**
 * A study as complete as the archive can tell it: its QIDO-RS listing row, its series
 * (QIDO-RS series query, as the Referenced Series Sequence), and the metadata of one
 * instance, merged into one DICOM JSON object and read by the bulk loader's parser, so
 * sync, bulk loads and /ingest accept and refuse exactly the same studies. The retrieve
 * link is rewritten to the archive's public base (Orthanc builds RetrieveURL from the
 * Host header of our own request, an internal name). A failed read is a failure, never a
 * thinner record.
 */
export async function fetchStudy(client: DicomWebClient, archive: ArchiveConfig, row: DicomJsonRecord): Promise<Fetched<ParsedStudy>> {
  const uid = firstString(row, TAG.StudyInstanceUID)?.trim() ?? null;
  const options = { nhsNumberPlacements: archive.nhsNumberPlacements };
  if (!uid) return { ok: true, value: parseDicomJsonStudy(row, options) };
  const series = await client.searchSeries(uid);
  if (!series.ok) return series;
  let metadata: DicomJsonRecord = {};
  if (archive.fetchMetadata) {
    const meta = await client.oneInstanceMetadata(uid);
    if (!meta.ok) return meta;
    if (meta.value) metadata = pick(meta.value, METADATA_TAGS);
  }
  const combined: DicomJsonRecord = {
    ...metadata,
    ...row,
    [TAG.ReferencedSeriesSequence]: { vr: 'SQ', Value: series.value.map((s) => pick(s, SERIES_INCLUDE_FIELDS)) },
  };
  if (archive.publicBaseUrl) combined[TAG.RetrieveURL] = { vr: 'UR', Value: [`${archive.publicBaseUrl}/studies/${uid}`] };
  const parsed = parseDicomJsonStudy(combined, options);
  if (parsed.ok && archive.viewerUrlTemplate) {
    parsed.record.viewerUrl = archive.viewerUrlTemplate.replace('{studyInstanceUid}', encodeURIComponent(parsed.record.studyInstanceUid));
    const unsaid = parsed.record.unsaid?.filter((f) => f !== 'viewerUrl');
    if (unsaid && unsaid.length > 0) parsed.record.unsaid = unsaid;
    else delete parsed.record.unsaid;
  }
  return { ok: true, value: parsed };
}
