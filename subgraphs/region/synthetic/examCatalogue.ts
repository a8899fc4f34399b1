import { weightedTable } from './Random';

/** One series an exam usually produces. */
export interface SeriesTemplate {
  description: string;
  /** Defaults to the exam's primary modality (set for the CT part of PET-CT, say). */
  modality?: string;
  instances: readonly [min: number, max: number];
  /** Chance that the series is present; 1 when omitted. */
  probability?: number;
}

/** One kind of examination as a radiology information system names it. */
export interface ExamTemplate {
  description: string;
  /** DICOM Body Part Examined defined term (PS3.16 Annex L), null when archives leave it empty. */
  bodyPart: string | null;
  series: readonly SeriesTemplate[];
}

/**
 * Primary modality of a study, weighted like a typical English acute trust's activity
 * (radiography dominates, then ultrasound and CT). Weights sum to 100.
 */
export const MODALITY_MIX = weightedTable<string>([
  ['CR', 18], ['DX', 22], ['CT', 15], ['MR', 10], ['US', 18], ['MG', 7],
  ['NM', 2], ['PT', 1], ['XA', 2], ['RF', 3], ['OT', 2],
]);

type Side = 'LEFT' | 'RIGHT';
const SIDES: readonly Side[] = ['LEFT', 'RIGHT'];

function sided(description: string, bodyPart: string, series: readonly SeriesTemplate[]): ExamTemplate[] {
  return SIDES.map((side) => ({ description: `${description} ${side}`, bodyPart, series }));
}

const XR_SERIES: readonly SeriesTemplate[] = [
  { description: 'AP', instances: [1, 1] },
  { description: 'LAT', instances: [1, 1], probability: 0.7 },
  { description: 'OBLIQUE', instances: [1, 1], probability: 0.2 },
];
const XR_CHEST: readonly SeriesTemplate[] = [{ description: 'PA', instances: [1, 1] }, { description: 'LAT', instances: [1, 1], probability: 0.1 }];

const XR_EXAMS: ExamTemplate[] = [
  { description: 'XR CHEST PA', bodyPart: 'CHEST', series: XR_CHEST },
  { description: 'XR CHEST PA', bodyPart: 'CHEST', series: XR_CHEST },
  { description: 'XR CHEST AP', bodyPart: 'CHEST', series: [{ description: 'AP MOBILE', instances: [1, 1] }] },
  { description: 'XR ABDOMEN', bodyPart: 'ABDOMEN', series: [{ description: 'AP SUPINE', instances: [1, 2] }] },
  { description: 'XR PELVIS', bodyPart: 'PELVIS', series: [{ description: 'AP', instances: [1, 1] }] },
  { description: 'XR LUMBAR SPINE', bodyPart: 'LSPINE', series: XR_SERIES },
  { description: 'XR CERVICAL SPINE', bodyPart: 'CSPINE', series: XR_SERIES },
  ...sided('XR KNEE', 'KNEE', XR_SERIES),
  ...sided('XR HIP', 'HIP', XR_SERIES),
  ...sided('XR HAND', 'HAND', XR_SERIES),
  ...sided('XR WRIST', 'WRIST', XR_SERIES),
  ...sided('XR ANKLE', 'ANKLE', XR_SERIES),
  ...sided('XR FOOT', 'FOOT', XR_SERIES),
  ...sided('XR SHOULDER', 'SHOULDER', XR_SERIES),
  ...sided('XR ELBOW', 'ELBOW', XR_SERIES),
];

const CT_SCOUT: SeriesTemplate = { description: 'Scout', instances: [1, 3] };
const CT_BODY: readonly SeriesTemplate[] = [
  CT_SCOUT,
  { description: 'Axial 5mm', instances: [60, 140] },
  { description: 'Axial 1mm', instances: [300, 700] },
  { description: 'Coronal MPR', instances: [60, 120], probability: 0.8 },
  { description: 'Sagittal MPR', instances: [60, 120], probability: 0.5 },
];

const CT_EXAMS: ExamTemplate[] = [
  {
    description: 'CT HEAD WITHOUT CONTRAST', bodyPart: 'HEAD',
    series: [CT_SCOUT, { description: 'Axial 5mm', instances: [25, 40] }, { description: 'Axial 0.625mm', instances: [200, 320] }, { description: 'Bone', instances: [25, 40], probability: 0.6 }],
  },
  { description: 'CT HEAD WITHOUT CONTRAST', bodyPart: 'HEAD', series: [CT_SCOUT, { description: 'Axial 5mm', instances: [25, 40] }] },
  { description: 'CT CHEST ABDOMEN PELVIS WITH CONTRAST', bodyPart: 'CHESTABDPELVIS', series: CT_BODY },
  { description: 'CT ABDOMEN PELVIS WITH CONTRAST', bodyPart: 'ABDOMENPELVIS', series: CT_BODY },
  { description: 'CT CHEST WITH CONTRAST', bodyPart: 'CHEST', series: CT_BODY },
  { description: 'CT PULMONARY ANGIOGRAM', bodyPart: 'CHEST', series: [CT_SCOUT, { description: 'Bolus tracking', instances: [10, 30] }, { description: 'CTPA 1mm', instances: [250, 450] }] },
  { description: 'CT CERVICAL SPINE', bodyPart: 'CSPINE', series: [CT_SCOUT, { description: 'Bone 1mm', instances: [150, 250] }, { description: 'Sagittal MPR', instances: [40, 80] }] },
  { description: 'CT KUB', bodyPart: 'ABDOMENPELVIS', series: [CT_SCOUT, { description: 'Axial 3mm low dose', instances: [80, 140] }] },
  { description: 'CT COLONOGRAPHY', bodyPart: 'ABDOMEN', series: [CT_SCOUT, { description: 'Supine 1mm', instances: [400, 600] }, { description: 'Prone 1mm', instances: [400, 600] }] },
];

const MR_BRAIN: readonly SeriesTemplate[] = [
  { description: 'Localiser', instances: [3, 9] },
  { description: 'T2 AX', instances: [20, 30] },
  { description: 'FLAIR AX', instances: [20, 30] },
  { description: 'DWI', instances: [40, 90] },
  { description: 'T1 SAG', instances: [20, 30] },
  { description: 'SWI', instances: [60, 120], probability: 0.5 },
];
const MR_JOINT: readonly SeriesTemplate[] = [
  { description: 'Localiser', instances: [3, 9] },
  { description: 'PD FS COR', instances: [20, 30] },
  { description: 'PD FS SAG', instances: [20, 30] },
  { description: 'T1 COR', instances: [20, 30] },
  { description: 'PD FS AX', instances: [20, 30] },
];
const MR_SPINE: readonly SeriesTemplate[] = [
  { description: 'Localiser', instances: [3, 9] },
  { description: 'T2 SAG', instances: [13, 17] },
  { description: 'T1 SAG', instances: [13, 17] },
  { description: 'T2 AX', instances: [20, 40] },
  { description: 'STIR SAG', instances: [13, 17], probability: 0.4 },
];

const MR_EXAMS: ExamTemplate[] = [
  { description: 'MR BRAIN WITHOUT CONTRAST', bodyPart: 'BRAIN', series: MR_BRAIN },
  { description: 'MR BRAIN WITH CONTRAST', bodyPart: 'BRAIN', series: [...MR_BRAIN, { description: 'T1 POST GAD AX', instances: [20, 30] }, { description: 'T1 POST GAD 3D', instances: [160, 200] }] },
  ...sided('MR KNEE', 'KNEE', MR_JOINT),
  ...sided('MR SHOULDER', 'SHOULDER', MR_JOINT),
  { description: 'MR LUMBAR SPINE', bodyPart: 'LSPINE', series: MR_SPINE },
  { description: 'MR CERVICAL SPINE', bodyPart: 'CSPINE', series: MR_SPINE },
  { description: 'MR PROSTATE', bodyPart: 'PROSTATE', series: [{ description: 'Localiser', instances: [3, 9] }, { description: 'T2 AX', instances: [25, 35] }, { description: 'DWI', instances: [80, 120] }, { description: 'ADC', instances: [20, 30] }, { description: 'T2 SAG', instances: [20, 30] }] },
  { description: 'MR CARDIAC', bodyPart: 'HEART', series: [{ description: 'Localiser', instances: [3, 9] }, { description: 'CINE SA', instances: [200, 300] }, { description: 'CINE 4CH', instances: [25, 30] }, { description: 'LGE SA', instances: [10, 16] }] },
];

const US_EXAMS: ExamTemplate[] = [
  { description: 'US ABDOMEN', bodyPart: 'ABDOMEN', series: [{ description: 'Abdomen', instances: [10, 40] }] },
  { description: 'US PELVIS', bodyPart: 'PELVIS', series: [{ description: 'Pelvis', instances: [8, 30] }] },
  { description: 'US OBSTETRIC DATING SCAN', bodyPart: 'PELVIS', series: [{ description: 'Obstetric', instances: [10, 40] }] },
  { description: 'US OBSTETRIC ANOMALY SCAN', bodyPart: 'PELVIS', series: [{ description: 'Obstetric', instances: [30, 80] }] },
  { description: 'US RENAL TRACT', bodyPart: 'KIDNEY', series: [{ description: 'Renal', instances: [8, 25] }] },
  { description: 'US THYROID', bodyPart: 'THYROID', series: [{ description: 'Neck', instances: [8, 25] }] },
  ...sided('US DOPPLER LEG VEINS', 'LEG', [{ description: 'Doppler', instances: [10, 30] }]),
  ...sided('US BREAST', 'BREAST', [{ description: 'Breast', instances: [6, 20] }]),
];

const MG_EXAMS: ExamTemplate[] = [
  { description: 'MG SCREENING MAMMOGRAM BILATERAL', bodyPart: 'BREAST', series: [{ description: 'R CC', instances: [1, 1] }, { description: 'R MLO', instances: [1, 1] }, { description: 'L CC', instances: [1, 1] }, { description: 'L MLO', instances: [1, 1] }] },
  { description: 'MG SCREENING MAMMOGRAM BILATERAL', bodyPart: 'BREAST', series: [{ description: 'Bilateral views', instances: [4, 6] }] },
  ...sided('MG DIAGNOSTIC MAMMOGRAM', 'BREAST', [{ description: 'CC', instances: [1, 1] }, { description: 'MLO', instances: [1, 1] }, { description: 'Tomosynthesis', instances: [1, 2], probability: 0.4 }]),
];

const NM_EXAMS: ExamTemplate[] = [
  { description: 'NM BONE SCAN WHOLE BODY', bodyPart: 'WHOLEBODY', series: [{ description: 'Whole body anterior/posterior', instances: [1, 2] }, { description: 'Statics', instances: [2, 8], probability: 0.6 }] },
  { description: 'NM BONE SCAN SPECT-CT', bodyPart: 'WHOLEBODY', series: [{ description: 'Whole body', instances: [1, 2] }, { description: 'SPECT', instances: [1, 1] }, { description: 'CT attenuation correction', modality: 'CT', instances: [80, 200] }] },
  { description: 'NM MYOCARDIAL PERFUSION', bodyPart: 'HEART', series: [{ description: 'Stress', instances: [1, 2] }, { description: 'Rest', instances: [1, 2] }, { description: 'CT attenuation correction', modality: 'CT', instances: [40, 80], probability: 0.5 }] },
  { description: 'NM RENAL DMSA', bodyPart: 'KIDNEY', series: [{ description: 'Statics', instances: [3, 6] }] },
  { description: 'NM THYROID', bodyPart: 'THYROID', series: [{ description: 'Anterior static', instances: [1, 2] }] },
];

const PT_EXAMS: ExamTemplate[] = [
  { description: 'PET-CT FDG WHOLE BODY', bodyPart: 'WHOLEBODY', series: [{ description: 'CT topogram', modality: 'CT', instances: [1, 1] }, { description: 'CT low dose', modality: 'CT', instances: [250, 400] }, { description: 'PET AC', instances: [250, 400] }, { description: 'PET NAC', instances: [250, 400], probability: 0.7 }] },
  { description: 'PET-CT PSMA', bodyPart: 'WHOLEBODY', series: [{ description: 'CT low dose', modality: 'CT', instances: [250, 400] }, { description: 'PET AC', instances: [250, 400] }] },
];

const XA_EXAMS: ExamTemplate[] = [
  { description: 'XA CORONARY ANGIOGRAM', bodyPart: 'HEART', series: Array.from({ length: 8 }, (_, i) => ({ description: `Run ${i + 1}`, instances: [1, 1] as const, probability: i < 4 ? 1 : 0.5 })) },
  { description: 'XA CEREBRAL ANGIOGRAM', bodyPart: 'HEAD', series: Array.from({ length: 6 }, (_, i) => ({ description: `Run ${i + 1}`, instances: [1, 1] as const, probability: i < 3 ? 1 : 0.5 })) },
  ...sided('XA PERIPHERAL ANGIOGRAM LEG', 'LEG', [{ description: 'Run 1', instances: [1, 1] }, { description: 'Run 2', instances: [1, 1] }, { description: 'Run 3', instances: [1, 1], probability: 0.6 }]),
];

const RF_EXAMS: ExamTemplate[] = [
  { description: 'RF BARIUM SWALLOW', bodyPart: 'ESOPHAGUS', series: [{ description: 'Fluoro loop', instances: [2, 8] }, { description: 'Spot images', instances: [2, 10] }] },
  { description: 'RF VIDEOFLUOROSCOPY SWALLOW', bodyPart: 'NECK', series: [{ description: 'Swallow loops', instances: [4, 12] }] },
  { description: 'RF HYSTEROSALPINGOGRAM', bodyPart: 'PELVIS', series: [{ description: 'Spot images', instances: [3, 8] }] },
  { description: 'RF NASOGASTRIC TUBE PLACEMENT', bodyPart: 'CHEST', series: [{ description: 'Spot images', instances: [1, 3] }] },
];

const OT_EXAMS: ExamTemplate[] = [
  { description: 'EXTERNAL IMAGES IMPORTED', bodyPart: null, series: [{ description: 'Imported', instances: [1, 40] }] },
  { description: 'MEDICAL PHOTOGRAPHY', bodyPart: null, series: [{ description: 'Photographs', instances: [2, 12] }] },
];

/** Exams by primary modality; every modality in {@link MODALITY_MIX} has a list. */
export const EXAMS_BY_MODALITY: Readonly<Record<string, readonly ExamTemplate[]>> = {
  CR: XR_EXAMS, DX: XR_EXAMS, CT: CT_EXAMS, MR: MR_EXAMS, US: US_EXAMS, MG: MG_EXAMS,
  NM: NM_EXAMS, PT: PT_EXAMS, XA: XA_EXAMS, RF: RF_EXAMS, OT: OT_EXAMS,
};
