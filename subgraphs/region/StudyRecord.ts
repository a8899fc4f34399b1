/** The availability values DICOM allows in InstanceAvailability (00080056). */
export const INSTANCE_AVAILABILITY = ['ONLINE', 'NEARLINE', 'OFFLINE', 'UNAVAILABLE'] as const;
export type InstanceAvailability = (typeof INSTANCE_AVAILABILITY)[number];
/** Statuses a source may set. */
export type StudyStatus = 'AVAILABLE' | 'ENTERED_IN_ERROR';
/**
 * Statuses the index may hold: NOT_IN_ARCHIVE is set only by reconciliation with an
 * archive (subgraphs/region/sync/), never by a source, and any later write of the study
 * (the archive holds it again) makes it AVAILABLE.
 */
export type StoredStudyStatus = StudyStatus | 'NOT_IN_ARCHIVE';

/**
 * Fields a source may leave unsaid. An unsaid field keeps the stored value; a field said
 * to be empty (explicit null in /ingest, an empty DICOM attribute) clears it. So a thinner
 * source never erases what a fuller one stored.
 */
export const UNSAID_FIELDS = [
  'localPatientId', 'issuerOfPatientId', 'accessionNumber', 'studyDate', 'studyTime', 'modalities', 'description',
  'bodyPartExamined', 'referringPhysicianName', 'numberOfStudyRelatedSeries', 'numberOfStudyRelatedInstances',
  'instanceAvailability', 'performingOrganisation', 'wadoRsUrl', 'viewerUrl',
] as const;
export type UnsaidField = (typeof UNSAID_FIELDS)[number];

/** One series of a study, validated. */
export interface SeriesRecord {
  seriesInstanceUid: string;
  seriesNumber: number | null;
  modality: string | null;
  description: string | null;
  bodyPartExamined: string | null;
  instanceCount: number | null;
}

/**
 * One study as stored in a regional index: validated and normalised. Produced by
 * {@link validateStudyInput} from the ingest API and by the bulk loader from DICOM JSON.
 * `series` undefined means "leave the stored series as they are".
 */
export interface StudyRecord {
  studyInstanceUid: string;
  nhsNumber: string;
  localPatientId: string | null;
  issuerOfPatientId: string | null;
  accessionNumber: string | null;
  studyDate: string | null;
  studyTime: string | null;
  modalities: string[];
  description: string | null;
  bodyPartExamined: string | null;
  referringPhysicianName: string | null;
  numberOfStudyRelatedSeries: number | null;
  numberOfStudyRelatedInstances: number | null;
  instanceAvailability: InstanceAvailability | null;
  odsCode: string | null;
  organisationName: string | null;
  /** Null: keep the stored status (AVAILABLE for a new study), so a routine re-feed never un-marks an entered-in-error study. */
  status: StudyStatus | null;
  wadoRsUrl: string | null;
  viewerUrl: string | null;
  series?: SeriesRecord[];
  /** Fields the source did not say anything about; their stored values are kept. */
  unsaid?: readonly UnsaidField[];
}
