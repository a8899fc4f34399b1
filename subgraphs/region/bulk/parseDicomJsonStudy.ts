import { parseNhsNumber } from '../../../lib/domain/parseNhsNumber';
import { validateStudyInput, type SeriesInput, type StudyInput } from '../ingest/validateStudyInput';
import type { StudyRecord } from '../StudyRecord';
import { ENTERED_IN_ERROR_STATUS_ID, NHS_ISSUERS, ODS_CODING_SCHEME, TAG } from './DicomJson';

/** A DICOM JSON study read into a validated record, or the reasons it cannot be stored. */
export type ParsedStudy =
  | { ok: true; record: StudyRecord }
  | { ok: false; studyInstanceUid: string | null; reasons: string[] };

export interface ParseDicomJsonOptions {
  /** Viewer launch URL; when set, viewer URL = `${viewerBaseUrl}?StudyInstanceUID=${uid}`. DICOM has no tag for it. */
  viewerBaseUrl?: string;
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const NAMES: Record<string, string> = Object.fromEntries(Object.entries(TAG).map(([name, tag]) => [tag, name]));

function label(tag: string): string {
  return `${NAMES[tag] ?? 'attribute'} (${tag})`;
}

/**
 * Reads attributes of one DICOM JSON object, collecting a reason for every attribute that
 * is not shaped as PS3.18 Annex F says. Only decoding lives here; what makes a valid
 * study is decided once, by validateStudyInput.
 */
class Attributes {
  constructor(private readonly obj: Json, private readonly reasons: string[], private readonly where = '') {}

  has(tag: string): boolean {
    return this.obj[tag] !== undefined;
  }

  /** The Value array; [] when the attribute is absent or empty. */
  values(tag: string): unknown[] {
    const attr = this.obj[tag];
    if (attr === undefined || attr === null) return [];
    if (!isObject(attr)) {
      this.reasons.push(`${this.where}${label(tag)} is not a DICOM JSON attribute object`);
      return [];
    }
    const value = attr.Value;
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) {
      this.reasons.push(`${this.where}${label(tag)} Value is not an array`);
      return [];
    }
    return value;
  }

  /** First value as a string (numbers accepted, as some archives send IS/DS as numbers). */
  string(tag: string): string | null {
    const v = this.values(tag)[0];
    if (v === undefined || v === null) return null;
    if (typeof v === 'string') return v;
    if (typeof v === 'number') return String(v);
    this.reasons.push(`${this.where}${label(tag)} value is not a string`);
    return null;
  }

  strings(tag: string): string[] {
    const out: string[] = [];
    for (const v of this.values(tag)) {
      if (typeof v === 'string') out.push(v);
      else if (v !== null) this.reasons.push(`${this.where}${label(tag)} has a value that is not a string`);
    }
    return out;
  }

  /** IS: a JSON number or a decimal string; anything else is a reason. */
  integer(tag: string): number | null {
    const v = this.values(tag)[0];
    if (v === undefined || v === null) return null;
    if (typeof v === 'number') return v;
    if (typeof v === 'string') {
      const t = v.trim();
      if (t === '') return null;
      if (/^[+-]?\d{1,12}$/.test(t)) return Number(t);
    }
    this.reasons.push(`${this.where}${label(tag)} "${String(v).slice(0, 20)}" is not an integer string (IS)`);
    return null;
  }

  /** PN: the Alphabetic group ("Family^Given"); a bare string is accepted too. */
  personName(tag: string): string | null {
    const v = this.values(tag)[0];
    if (v === undefined || v === null) return null;
    if (typeof v === 'string') return v;
    if (isObject(v)) {
      if (v.Alphabetic === undefined || v.Alphabetic === null) return null;
      if (typeof v.Alphabetic === 'string') return v.Alphabetic;
    }
    this.reasons.push(`${this.where}${label(tag)} is not a Person Name ({ "Alphabetic": "Family^Given" })`);
    return null;
  }

  /** SQ items as attribute readers; reasons about an item name its position. */
  items(tag: string): Attributes[] {
    return this.values(tag).flatMap((item, i) => {
      if (isObject(item)) return [new Attributes(item, this.reasons, `${this.where}${label(tag)} item ${i + 1}: `)];
      this.reasons.push(`${this.where}${label(tag)} item ${i + 1} is not an object`);
      return [];
    });
  }
}

function isNhsIssuer(issuer: string | null): boolean {
  return issuer !== null && NHS_ISSUERS.includes(issuer.trim().toUpperCase());
}

/**
 * Maps one QIDO-RS DICOM JSON study object to a study record. Where the NHS number, ODS
 * code, status and series come from is our convention, documented in bulk/README.md:
 * - NHS number: the Other Patient IDs Sequence (00101002) item whose Issuer of Patient ID
 *   (00100021) is "NHS" (or the NHS number OID), else Patient ID (00100020) when its own
 *   issuer is "NHS". Two different NHS numbers in one object are refused.
 * - Local patient ID: Patient ID with its issuer when that issuer is not "NHS"; otherwise
 *   the first Other Patient IDs item with a non-NHS issuer.
 * - Organisation: Institution Code Sequence (00080082) item with Coding Scheme Designator
 *   "ODS" gives the code; Institution Name (00080080), else the item's Code Meaning, the
 *   name. A name without an ODS code is dropped (the index keys organisations by code).
 * - Entered in error: StudyStatusID (0032000A) = "ENTERED_IN_ERROR"; anything else is
 *   AVAILABLE. (InstanceAvailability UNAVAILABLE means "cannot be fetched now", not this.)
 * - Series: Referenced Series Sequence (00081115) items. Present, even empty, means "the
 *   study's series are exactly these"; absent means "leave stored series alone".
 * - Modalities: ModalitiesInStudy, else the distinct series modalities.
 */
export function parseDicomJsonStudy(obj: unknown, options: ParseDicomJsonOptions = {}): ParsedStudy {
  if (!isObject(obj)) return { ok: false, studyInstanceUid: null, reasons: ['record is not a JSON object'] };
  const reasons: string[] = [];
  const a = new Attributes(obj, reasons);
  const uid = a.string(TAG.StudyInstanceUID);

  const patientId = a.string(TAG.PatientID);
  const patientIssuer = a.string(TAG.IssuerOfPatientID);
  const otherIds = a.items(TAG.OtherPatientIDsSequence).map((item) => ({
    id: item.string(TAG.PatientID),
    issuer: item.string(TAG.IssuerOfPatientID),
  }));
  const nhsCandidates = new Set<string>();
  for (const o of otherIds) if (isNhsIssuer(o.issuer) && o.id !== null && o.id.trim() !== '') nhsCandidates.add(o.id.trim());
  if (isNhsIssuer(patientIssuer) && patientId !== null && patientId.trim() !== '') nhsCandidates.add(patientId.trim());
  let nhsNumber = '';
  let nhsReasonToDrop: string | null = null;
  if (nhsCandidates.size === 1) {
    nhsNumber = [...nhsCandidates][0]!;
  } else if (nhsCandidates.size > 1) {
    reasons.push('the object carries more than one different NHS number');
  } else {
    reasons.push(
      'no NHS number: expected an Other Patient IDs Sequence (00101002) item, or Patient ID (00100020), with Issuer of Patient ID (00100021) "NHS"',
    );
    // validateStudyInput would add "empty"; ours says where we looked, so keep only ours.
    const empty = parseNhsNumber('');
    nhsReasonToDrop = empty.ok ? null : empty.reason;
  }
  let localPatientId: string | null = null;
  let issuerOfPatientId: string | null = null;
  if (patientId !== null && !isNhsIssuer(patientIssuer)) {
    localPatientId = patientId;
    issuerOfPatientId = patientIssuer;
  } else {
    const local = otherIds.find((o) => !isNhsIssuer(o.issuer) && o.id !== null);
    if (local) {
      localPatientId = local.id;
      issuerOfPatientId = local.issuer;
    }
  }

  let performingOrganisation: StudyInput['performingOrganisation'] = null;
  const odsItem = a.items(TAG.InstitutionCodeSequence).find((item) => item.string(TAG.CodingSchemeDesignator)?.trim().toUpperCase() === ODS_CODING_SCHEME);
  const odsCode = odsItem?.string(TAG.CodeValue) ?? null;
  if (odsItem && odsCode !== null) {
    performingOrganisation = { odsCode, name: a.string(TAG.InstitutionName) ?? odsItem.string(TAG.CodeMeaning) };
  }

  let series: SeriesInput[] | null = null;
  if (a.has(TAG.ReferencedSeriesSequence)) {
    series = a.items(TAG.ReferencedSeriesSequence).map((item) => ({
      seriesInstanceUid: item.string(TAG.SeriesInstanceUID) ?? '',
      seriesNumber: item.integer(TAG.SeriesNumber),
      modality: item.string(TAG.Modality),
      description: item.string(TAG.SeriesDescription),
      bodyPartExamined: item.string(TAG.BodyPartExamined),
      numberOfSeriesRelatedInstances: item.integer(TAG.NumberOfSeriesRelatedInstances),
    }));
  }
  let modalities = a.strings(TAG.ModalitiesInStudy);
  if (modalities.length === 0 && series !== null) {
    modalities = series.flatMap((s) => (s.modality ? [s.modality] : []));
  }

  const viewerUrl =
    options.viewerBaseUrl && uid !== null
      ? `${options.viewerBaseUrl}${options.viewerBaseUrl.includes('?') ? '&' : '?'}StudyInstanceUID=${encodeURIComponent(uid.trim())}`
      : null;
  const statusId = a.string(TAG.StudyStatusID);

  const input: StudyInput = {
    studyInstanceUid: uid ?? '',
    nhsNumber,
    localPatientId,
    issuerOfPatientId,
    accessionNumber: a.string(TAG.AccessionNumber),
    studyDate: a.string(TAG.StudyDate),
    studyTime: a.string(TAG.StudyTime),
    modalities,
    description: a.string(TAG.StudyDescription),
    bodyPartExamined: a.string(TAG.BodyPartExamined),
    referringPhysicianName: a.personName(TAG.ReferringPhysicianName),
    numberOfStudyRelatedSeries: a.integer(TAG.NumberOfStudyRelatedSeries),
    numberOfStudyRelatedInstances: a.integer(TAG.NumberOfStudyRelatedInstances),
    instanceAvailability: a.string(TAG.InstanceAvailability),
    performingOrganisation,
    // Absent: keep what the index holds (a re-feed must not un-mark an entered-in-error study).
    status: statusId === null ? null : statusId.trim().toUpperCase() === ENTERED_IN_ERROR_STATUS_ID ? 'ENTERED_IN_ERROR' : 'AVAILABLE',
    wadoRsUrl: a.string(TAG.RetrieveURL),
    viewerUrl,
    series,
  };
  const validated = validateStudyInput(input);
  if (validated.ok && reasons.length === 0) return validated;
  const all = [...reasons, ...(validated.ok ? [] : validated.reasons.filter((r) => r !== nhsReasonToDrop))];
  const cleanUid = uid === null || uid.trim() === '' ? null : uid.trim().slice(0, 64);
  return { ok: false, studyInstanceUid: cleanUid, reasons: all };
}
