import { ENTERED_IN_ERROR_STATUS_ID, ODS_CODING_SCHEME, TAG, type DicomJsonAttribute, type DicomJsonObject } from '../bulk/DicomJson';
import type { SeriesRecord, StudyRecord } from '../StudyRecord';

function put(target: DicomJsonObject, tag: string, vr: string, value: string | number | null): void {
  // An empty attribute says "none"; leaving it out would say nothing (the index keeps what it has).
  target[tag] = value === null ? { vr } : { vr, Value: [value] };
}

function seriesItem(s: SeriesRecord): DicomJsonObject {
  const item: DicomJsonObject = {};
  put(item, TAG.Modality, 'CS', s.modality);
  put(item, TAG.SeriesDescription, 'LO', s.description);
  put(item, TAG.BodyPartExamined, 'CS', s.bodyPartExamined);
  put(item, TAG.SeriesInstanceUID, 'UI', s.seriesInstanceUid);
  put(item, TAG.SeriesNumber, 'IS', s.seriesNumber);
  put(item, TAG.NumberOfSeriesRelatedInstances, 'IS', s.instanceCount);
  return item;
}

/**
 * A study as the DICOM JSON object a QIDO-RS study search would return, plus the
 * attributes the bulk loader reads for what QIDO does not carry (see bulk/README.md):
 * the NHS number in Other Patient IDs Sequence, the ODS code in Institution Code
 * Sequence, series in Referenced Series Sequence, entered-in-error in StudyStatusID.
 * Null fields become empty attributes (so a load clears what the record says is empty). Keys are in ascending tag order, as DICOM JSON writers emit
 * them. `parseDicomJsonStudy` reads this back to an equal record (the viewer URL
 * excepted: DICOM has no place for it, so the loader rebuilds it from a base URL).
 */
export function toDicomJson(record: StudyRecord): DicomJsonObject {
  const o: DicomJsonObject = {};
  put(o, TAG.StudyDate, 'DA', record.studyDate === null ? null : record.studyDate.replaceAll('-', ''));
  put(o, TAG.StudyTime, 'TM', record.studyTime === null ? null : record.studyTime.replaceAll(':', ''));
  put(o, TAG.AccessionNumber, 'SH', record.accessionNumber);
  put(o, TAG.InstanceAvailability, 'CS', record.instanceAvailability);
  o[TAG.ModalitiesInStudy] = record.modalities.length > 0 ? { vr: 'CS', Value: [...record.modalities] } : { vr: 'CS' };
  put(o, TAG.InstitutionName, 'LO', record.organisationName);
  if (record.odsCode !== null) {
    const code: DicomJsonObject = {};
    put(code, TAG.CodeValue, 'SH', record.odsCode);
    put(code, TAG.CodingSchemeDesignator, 'SH', ODS_CODING_SCHEME);
    put(code, TAG.CodeMeaning, 'LO', record.organisationName);
    o[TAG.InstitutionCodeSequence] = { vr: 'SQ', Value: [code] };
  } else {
    o[TAG.InstitutionCodeSequence] = { vr: 'SQ' };
  }
  if (record.referringPhysicianName !== null) {
    o[TAG.ReferringPhysicianName] = { vr: 'PN', Value: [{ Alphabetic: record.referringPhysicianName }] };
  } else {
    o[TAG.ReferringPhysicianName] = { vr: 'PN' };
  }
  put(o, TAG.StudyDescription, 'LO', record.description);
  if (record.series !== undefined) {
    const seq: DicomJsonAttribute = { vr: 'SQ' };
    if (record.series.length > 0) seq.Value = record.series.map(seriesItem);
    o[TAG.ReferencedSeriesSequence] = seq;
  }
  put(o, TAG.RetrieveURL, 'UR', record.wadoRsUrl);
  // With a local hospital number, that is the Patient ID and the NHS number goes in Other
  // Patient IDs (the usual PACS arrangement in England); without one, the NHS number is
  // the Patient ID.
  if (record.localPatientId !== null) {
    put(o, TAG.PatientID, 'LO', record.localPatientId);
    put(o, TAG.IssuerOfPatientID, 'LO', record.issuerOfPatientId);
    const nhs: DicomJsonObject = {};
    put(nhs, TAG.PatientID, 'LO', record.nhsNumber);
    put(nhs, TAG.IssuerOfPatientID, 'LO', 'NHS');
    put(nhs, TAG.TypeOfPatientID, 'CS', 'TEXT');
    o[TAG.OtherPatientIDsSequence] = { vr: 'SQ', Value: [nhs] };
  } else {
    put(o, TAG.PatientID, 'LO', record.nhsNumber);
    put(o, TAG.IssuerOfPatientID, 'LO', 'NHS');
    o[TAG.OtherPatientIDsSequence] = { vr: 'SQ' };
  }
  put(o, TAG.BodyPartExamined, 'CS', record.bodyPartExamined);
  put(o, TAG.StudyInstanceUID, 'UI', record.studyInstanceUid);
  put(o, TAG.NumberOfStudyRelatedSeries, 'IS', record.numberOfStudyRelatedSeries);
  put(o, TAG.NumberOfStudyRelatedInstances, 'IS', record.numberOfStudyRelatedInstances);
  if (record.status !== null) put(o, TAG.StudyStatusID, 'CS', record.status === 'ENTERED_IN_ERROR' ? ENTERED_IN_ERROR_STATUS_ID : 'AVAILABLE');
  return o;
}
