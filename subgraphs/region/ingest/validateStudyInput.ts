import { parseNhsNumber } from '../../../lib/domain/parseNhsNumber';
import { parseDicomUid, parseStudyDate, parseStudyTime } from '../../../lib/domain/dicomValues';
import { INSTANCE_AVAILABILITY, UNSAID_FIELDS, type InstanceAvailability, type SeriesRecord, type StudyRecord, type StudyStatus } from '../StudyRecord';

/** The ingest API's StudyInput, as GraphQL delivers it (already type-checked by GraphQL). */
export interface StudyInput {
  studyInstanceUid: string;
  nhsNumber: string;
  localPatientId?: string | null;
  issuerOfPatientId?: string | null;
  accessionNumber?: string | null;
  studyDate?: string | null;
  studyTime?: string | null;
  modalities?: string[] | null;
  description?: string | null;
  bodyPartExamined?: string | null;
  referringPhysicianName?: string | null;
  numberOfStudyRelatedSeries?: number | null;
  numberOfStudyRelatedInstances?: number | null;
  instanceAvailability?: string | null;
  performingOrganisation?: { odsCode: string; name?: string | null } | null;
  status?: string | null;
  wadoRsUrl?: string | null;
  viewerUrl?: string | null;
  series?: SeriesInput[] | null;
}

export interface SeriesInput {
  seriesInstanceUid: string;
  seriesNumber?: number | null;
  modality?: string | null;
  description?: string | null;
  bodyPartExamined?: string | null;
  numberOfSeriesRelatedInstances?: number | null;
}

export type Validated = { ok: true; record: StudyRecord } | { ok: false; reasons: string[] };

const MODALITY = /^[A-Z0-9_]{1,16}$/;
const ODS = /^[A-Z0-9]{3,10}$/;

/** Short text fields: trimmed, empty becomes null, overlong is a reason. */
function text(value: string | null | undefined, label: string, max: number, reasons: string[]): string | null {
  if (value === null || value === undefined) return null;
  const t = value.trim();
  if (t === '') return null;
  if (t.length > max) reasons.push(`${label} is longer than ${max} characters`);
  return t;
}

function count(value: number | null | undefined, label: string, reasons: string[]): number | null {
  if (value === null || value === undefined) return null;
  if (!Number.isInteger(value) || value < 0) reasons.push(`${label} must be a whole number, 0 or more`);
  return value;
}

function httpUrl(value: string | null | undefined, label: string, reasons: string[]): string | null {
  const t = text(value, label, 2048, reasons);
  if (t === null) return null;
  try {
    const u = new URL(t);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') reasons.push(`${label} must be an http(s) URL`);
  } catch {
    reasons.push(`${label} is not a URL`);
  }
  return t;
}

/**
 * Validates and normalises one study for the index. A field left out of the input
 * (undefined) is unsaid and keeps its stored value; a field given as null clears it. Collects every reason rather
 * than stopping at the first, so an archive can fix a record in one go.
 */
export function validateStudyInput(input: StudyInput): Validated {
  const reasons: string[] = [];
  const uid = parseDicomUid(input.studyInstanceUid, 'studyInstanceUid');
  if (!uid.ok) reasons.push(uid.reason);
  const nhs = parseNhsNumber(input.nhsNumber);
  if (!nhs.ok) reasons.push(nhs.reason);
  let studyDate: string | null = null;
  if (input.studyDate != null && input.studyDate.trim() !== '') {
    const d = parseStudyDate(input.studyDate, 'studyDate');
    if (d.ok) studyDate = d.value;
    else reasons.push(d.reason);
  }
  let studyTime: string | null = null;
  if (input.studyTime != null && input.studyTime.trim() !== '') {
    const t = parseStudyTime(input.studyTime, 'studyTime');
    if (t.ok) studyTime = t.value;
    else reasons.push(t.reason);
  }
  const modalities = [...new Set((input.modalities ?? []).map((m) => m.trim().toUpperCase()).filter((m) => m !== ''))];
  for (const m of modalities) if (!MODALITY.test(m)) reasons.push(`modality "${m.slice(0, 20)}" is not a DICOM modality code`);
  let availability: InstanceAvailability | null = null;
  if (input.instanceAvailability != null) {
    const a = input.instanceAvailability.trim().toUpperCase();
    if ((INSTANCE_AVAILABILITY as readonly string[]).includes(a)) availability = a as InstanceAvailability;
    else reasons.push(`instanceAvailability must be one of ${INSTANCE_AVAILABILITY.join(', ')}`);
  }
  let status: StudyStatus | null = null;
  if (input.status != null) {
    if (input.status === 'AVAILABLE' || input.status === 'ENTERED_IN_ERROR') status = input.status;
    else reasons.push('status must be AVAILABLE or ENTERED_IN_ERROR');
  }
  let odsCode: string | null = null;
  let organisationName: string | null = null;
  if (input.performingOrganisation) {
    odsCode = input.performingOrganisation.odsCode.trim().toUpperCase();
    if (!ODS.test(odsCode)) reasons.push(`performingOrganisation.odsCode "${odsCode.slice(0, 20)}" is not an ODS code`);
    organisationName = text(input.performingOrganisation.name, 'performingOrganisation.name', 200, reasons);
  }
  let series: SeriesRecord[] | undefined;
  if (input.series != null) {
    series = [];
    const seen = new Set<string>();
    input.series.forEach((s, i) => {
      const su = parseDicomUid(s.seriesInstanceUid, `series[${i}].seriesInstanceUid`);
      if (!su.ok) {
        reasons.push(su.reason);
        return;
      }
      if (seen.has(su.value)) {
        reasons.push(`series[${i}].seriesInstanceUid is repeated in this study`);
        return;
      }
      seen.add(su.value);
      const modality = s.modality == null || s.modality.trim() === '' ? null : s.modality.trim().toUpperCase();
      if (modality !== null && !MODALITY.test(modality)) reasons.push(`series[${i}].modality is not a DICOM modality code`);
      series!.push({
        seriesInstanceUid: su.value,
        seriesNumber: s.seriesNumber ?? null,
        modality,
        description: text(s.description, `series[${i}].description`, 1024, reasons),
        bodyPartExamined: text(s.bodyPartExamined, `series[${i}].bodyPartExamined`, 64, reasons),
        instanceCount: count(s.numberOfSeriesRelatedInstances, `series[${i}].numberOfSeriesRelatedInstances`, reasons),
      });
    });
  }
  const record: StudyRecord = {
    studyInstanceUid: uid.ok ? uid.value : '',
    nhsNumber: nhs.ok ? nhs.value : '',
    localPatientId: text(input.localPatientId, 'localPatientId', 64, reasons),
    issuerOfPatientId: text(input.issuerOfPatientId, 'issuerOfPatientId', 64, reasons),
    accessionNumber: text(input.accessionNumber, 'accessionNumber', 64, reasons),
    studyDate,
    studyTime,
    modalities,
    description: text(input.description, 'description', 1024, reasons),
    bodyPartExamined: text(input.bodyPartExamined, 'bodyPartExamined', 64, reasons),
    referringPhysicianName: text(input.referringPhysicianName, 'referringPhysicianName', 324, reasons),
    numberOfStudyRelatedSeries: count(input.numberOfStudyRelatedSeries, 'numberOfStudyRelatedSeries', reasons),
    numberOfStudyRelatedInstances: count(input.numberOfStudyRelatedInstances, 'numberOfStudyRelatedInstances', reasons),
    instanceAvailability: availability,
    odsCode,
    organisationName,
    status,
    wadoRsUrl: httpUrl(input.wadoRsUrl, 'wadoRsUrl', reasons),
    viewerUrl: httpUrl(input.viewerUrl, 'viewerUrl', reasons),
    ...(series !== undefined ? { series } : {}),
  };
  const unsaid = UNSAID_FIELDS.filter((f) => input[f] === undefined);
  if (unsaid.length > 0) record.unsaid = unsaid;
  return reasons.length > 0 ? { ok: false, reasons } : { ok: true, record };
}
