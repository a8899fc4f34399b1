/**
 * The DICOM JSON model (PS3.18 Annex F) as QIDO-RS returns it: an object keyed by
 * 8-hex-digit tags, each attribute `{ vr, Value? }`. An empty attribute has no `Value`.
 */
export interface DicomJsonAttribute {
  vr: string;
  Value?: DicomJsonValue[];
}

/** Person Name values are objects with component groups; sequences hold nested objects. */
export type DicomJsonValue = string | number | DicomJsonObject | { Alphabetic?: string; Ideographic?: string; Phonetic?: string };

export type DicomJsonObject = { [tag: string]: DicomJsonAttribute };

/** Tags the bulk loader reads (and the synthetic generator writes). */
export const TAG = {
  StudyDate: '00080020',
  StudyTime: '00080030',
  AccessionNumber: '00080050',
  InstanceAvailability: '00080056',
  Modality: '00080060',
  ModalitiesInStudy: '00080061',
  InstitutionName: '00080080',
  InstitutionCodeSequence: '00080082',
  ReferringPhysicianName: '00080090',
  CodeValue: '00080100',
  CodingSchemeDesignator: '00080102',
  CodeMeaning: '00080104',
  StudyDescription: '00081030',
  SeriesDescription: '0008103E',
  ReferencedSeriesSequence: '00081115',
  RetrieveURL: '00081190',
  PatientID: '00100020',
  IssuerOfPatientID: '00100021',
  TypeOfPatientID: '00100022',
  OtherPatientIDs: '00101000',
  OtherPatientIDsSequence: '00101002',
  SpecificCharacterSet: '00080005',
  SOPInstanceUID: '00080018',
  BodyPartExamined: '00180015',
  StudyInstanceUID: '0020000D',
  SeriesInstanceUID: '0020000E',
  SeriesNumber: '00200011',
  NumberOfStudyRelatedSeries: '00201206',
  NumberOfStudyRelatedInstances: '00201208',
  NumberOfSeriesRelatedInstances: '00201209',
  StudyStatusID: '0032000A',
} as const;

/** Issuer of Patient ID values that mark an NHS number: the plain word, or the NHS number OID. */
export const NHS_ISSUERS: readonly string[] = ['NHS', '2.16.840.1.113883.2.1.4.1'];

/** Coding Scheme Designator we read as "this code is an ODS organisation code". */
export const ODS_CODING_SCHEME = 'ODS';

/** StudyStatusID value that marks a study entered in error (nonstandard; see bulk/README.md). */
export const ENTERED_IN_ERROR_STATUS_ID = 'ENTERED_IN_ERROR';
