/** The availability values DICOM allows in InstanceAvailability (00080056). */
export const INSTANCE_AVAILABILITY = ['ONLINE', 'NEARLINE', 'OFFLINE', 'UNAVAILABLE'] as const;
export type InstanceAvailability = (typeof INSTANCE_AVAILABILITY)[number];
export type StudyStatus = 'AVAILABLE' | 'ENTERED_IN_ERROR';

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
}
