import { nhsCheckDigit } from '../../lib/domain/parseNhsNumber';

/** The n-th valid NHS number of the 999 test range (never a real patient). */
export function testNhsNumber(n: number): string {
  let stem = 999_000_000 + n * 7;
  for (;;) {
    const check = nhsCheckDigit(String(stem));
    if (check !== null) return `${stem}${check}`;
    stem++;
  }
}

/** A valid StudyInput for the ingest API, with overrides. */
export function studyInput(uidSuffix: string, nhsNumber: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    studyInstanceUid: `1.2.826.0.1.3680043.10.999.${uidSuffix}`,
    nhsNumber,
    accessionNumber: `ACC${uidSuffix.replace(/\./g, '')}`,
    studyDate: '2024-03-01',
    studyTime: '10:15:00',
    modalities: ['CT'],
    description: 'CT HEAD WITHOUT CONTRAST',
    bodyPartExamined: 'HEAD',
    referringPhysicianName: 'Test^Referrer',
    numberOfStudyRelatedSeries: 1,
    numberOfStudyRelatedInstances: 120,
    instanceAvailability: 'ONLINE',
    performingOrganisation: { odsCode: 'RXX01', name: 'Test Teaching Hospitals' },
    localPatientId: 'MRN1',
    issuerOfPatientId: 'RXX',
    series: [{ seriesInstanceUid: `1.2.826.0.1.3680043.10.999.${uidSuffix}.1`, seriesNumber: 1, modality: 'CT', description: 'Axial', numberOfSeriesRelatedInstances: 120 }],
    ...overrides,
  };
}

export const UPSERT = `mutation($studies: [StudyInput!]!) {
  upsertStudies(studies: $studies) { accepted inserted updated unchanged rejected { index studyInstanceUid reasons } }
}`;
