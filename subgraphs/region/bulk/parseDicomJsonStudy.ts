import { personNameText } from '../../../lib/domain/dicomValues';
import { parseNhsNumber } from '../../../lib/domain/parseNhsNumber';
import { validateStudyInput, type SeriesInput, type StudyInput } from '../ingest/validateStudyInput';
import type { StudyRecord } from '../StudyRecord';
import { ENTERED_IN_ERROR_STATUS_ID, NHS_ISSUERS, ODS_CODING_SCHEME, TAG } from './DicomJson';
import { DEFAULT_NHS_NUMBER_PLACEMENTS, type NhsNumberPlacement } from './NhsNumberPlacement';

/** A DICOM JSON study read into a validated record, or the reasons it cannot be stored. */
export type ParsedStudy =
  | { ok: true; record: StudyRecord }
  | { ok: false; studyInstanceUid: string | null; reasons: string[] };

export interface ParseDicomJsonOptions {
  /** Viewer launch URL; when set, viewer URL = `${viewerBaseUrl}?StudyInstanceUID=${uid}`. DICOM has no tag for it. */
  viewerBaseUrl?: string;
  /** Where this archive keeps the NHS number. @default DEFAULT_NHS_NUMBER_PLACEMENTS */
  nhsNumberPlacements?: readonly NhsNumberPlacement[];
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

  /** PN: the first non-empty component group (Alphabetic, Ideographic, Phonetic); a bare string is accepted too. */
  personName(tag: string): string | null {
    const v = this.values(tag)[0];
    if (v === undefined || v === null) return null;
    if (typeof v === 'string') return personNameText(v);
    if (isObject(v) && [v.Alphabetic, v.Ideographic, v.Phonetic].every((g) => g === undefined || g === null || typeof g === 'string')) {
      return personNameText(v as { Alphabetic?: string; Ideographic?: string; Phonetic?: string });
    }
    this.reasons.push(`${this.where}${label(tag)} is not a Person Name ({ "Alphabetic": "Family^Given" })`);
    return null;
  }

  /** `read()` when the attribute is in the object; undefined (unsaid) when it is not. */
  said<T>(tag: string, read: (tag: string) => T): T | undefined {
    return this.has(tag) ? read(tag) : undefined;
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

function describePlacement(p: NhsNumberPlacement): string {
  switch (p) {
    case 'patientId':
      return 'Patient ID (00100020) with Issuer of Patient ID (00100021) "NHS" or 2.16.840.1.113883.2.1.4.1';
    case 'otherPatientIdsSequence':
      return 'Other Patient IDs Sequence (00101002) items with that issuer';
    case 'patientIdWithoutIssuer':
      return 'Patient ID without an issuer';
    case 'otherPatientIds':
      return 'Other Patient IDs (00101000)';
    default: {
      const never: never = p;
      return String(never);
    }
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

  const placements = options.nhsNumberPlacements ?? DEFAULT_NHS_NUMBER_PLACEMENTS;
  const patientId = a.string(TAG.PatientID);
  const patientIssuer = a.string(TAG.IssuerOfPatientID);
  const otherIds = a.items(TAG.OtherPatientIDsSequence).map((item) => ({
    id: item.string(TAG.PatientID),
    issuer: item.string(TAG.IssuerOfPatientID),
  }));
  const filled = (v: string | null): v is string => v !== null && v.trim() !== '';
  const noIssuer = !filled(patientIssuer);
  const patientIdIsNhs =
    filled(patientId) && ((placements.includes('patientId') && isNhsIssuer(patientIssuer)) || (placements.includes('patientIdWithoutIssuer') && noIssuer));
  const nhsCandidates = new Set<string>();
  if (placements.includes('otherPatientIdsSequence')) {
    for (const o of otherIds) if (isNhsIssuer(o.issuer) && filled(o.id)) nhsCandidates.add(o.id.trim());
  }
  if (patientIdIsNhs) nhsCandidates.add(patientId.trim());
  if (placements.includes('otherPatientIds')) {
    for (const v of a.strings(TAG.OtherPatientIDs)) if (/^\d{3}[ -]?\d{3}[ -]?\d{4}$/.test(v.trim())) nhsCandidates.add(v.trim());
  }
  let nhsNumber = '';
  // validateStudyInput would add "empty" when we found none or too many; ours says why, so keep only ours.
  const empty = parseNhsNumber('');
  const nhsReasonToDrop = nhsCandidates.size === 1 || empty.ok ? null : empty.reason;
  if (nhsCandidates.size === 1) {
    nhsNumber = [...nhsCandidates][0]!;
  } else if (nhsCandidates.size > 1) {
    reasons.push('the object carries more than one different NHS number');
  } else {
    reasons.push(`no NHS number: looked in ${placements.map(describePlacement).join('; ')}`);
  }
  // Unsaid (undefined) when the source carried neither place a local ID could be in.
  let localPatientId: string | null | undefined = a.has(TAG.PatientID) || a.has(TAG.OtherPatientIDsSequence) ? null : undefined;
  let issuerOfPatientId: string | null | undefined = localPatientId;
  if (patientId !== null && !patientIdIsNhs && !isNhsIssuer(patientIssuer)) {
    localPatientId = patientId;
    issuerOfPatientId = patientIssuer;
  } else {
    const local = otherIds.find((o) => !isNhsIssuer(o.issuer) && o.id !== null);
    if (local) {
      localPatientId = local.id;
      issuerOfPatientId = local.issuer;
    } else if (!a.has(TAG.OtherPatientIDsSequence)) {
      localPatientId = undefined;
      issuerOfPatientId = undefined;
    }
  }

  let performingOrganisation: StudyInput['performingOrganisation'] = a.has(TAG.InstitutionCodeSequence) ? null : undefined;
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
  let modalities: string[] | undefined = a.said(TAG.ModalitiesInStudy, (t) => a.strings(t));
  if ((modalities === undefined || modalities.length === 0) && series !== null) {
    modalities = series.flatMap((s) => (s.modality ? [s.modality] : []));
  }

  const viewerUrl =
    options.viewerBaseUrl && uid !== null
      ? `${options.viewerBaseUrl}${options.viewerBaseUrl.includes('?') ? '&' : '?'}StudyInstanceUID=${encodeURIComponent(uid.trim())}`
      : undefined;
  const statusId = a.string(TAG.StudyStatusID);

  const input: StudyInput = {
    studyInstanceUid: uid ?? '',
    nhsNumber,
    localPatientId,
    issuerOfPatientId,
    accessionNumber: a.said(TAG.AccessionNumber, (x) => a.string(x)),
    studyDate: a.said(TAG.StudyDate, (x) => a.string(x)),
    studyTime: a.said(TAG.StudyTime, (x) => a.string(x)),
    modalities,
    description: a.said(TAG.StudyDescription, (x) => a.string(x)),
    bodyPartExamined: a.said(TAG.BodyPartExamined, (x) => a.string(x)),
    referringPhysicianName: a.said(TAG.ReferringPhysicianName, (x) => a.personName(x)),
    numberOfStudyRelatedSeries: a.said(TAG.NumberOfStudyRelatedSeries, (x) => a.integer(x)),
    numberOfStudyRelatedInstances: a.said(TAG.NumberOfStudyRelatedInstances, (x) => a.integer(x)),
    instanceAvailability: a.said(TAG.InstanceAvailability, (x) => a.string(x)),
    performingOrganisation,
    // Absent: keep what the index holds (a re-feed must not un-mark an entered-in-error study).
    status: statusId === null ? null : statusId.trim().toUpperCase() === ENTERED_IN_ERROR_STATUS_ID ? 'ENTERED_IN_ERROR' : 'AVAILABLE',
    wadoRsUrl: a.said(TAG.RetrieveURL, (x) => a.string(x)),
    viewerUrl,
    series,
  };
  const validated = validateStudyInput(input);
  if (validated.ok && reasons.length === 0) return validated;
  const all = [...reasons, ...(validated.ok ? [] : validated.reasons.filter((r) => r !== nhsReasonToDrop))];
  const cleanUid = uid === null || uid.trim() === '' ? null : uid.trim().slice(0, 64);
  return { ok: false, studyInstanceUid: cleanUid, reasons: all };
}
