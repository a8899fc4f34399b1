/**
 * Where an archive keeps the NHS number. The first two are the arrangements PACS in England
 * use with an explicit issuer and are always read; the last two carry no issuer at all, so
 * an archive must opt in to them (a bare 10-digit hospital number would otherwise be taken
 * for an NHS number).
 * - `patientId`: Patient ID (0010,0020) whose Issuer of Patient ID (0010,0021) is "NHS" or the NHS number OID.
 * - `otherPatientIdsSequence`: an Other Patient IDs Sequence (0010,1002) item with either issuer.
 * - `patientIdWithoutIssuer`: Patient ID with no issuer at all (opt-in).
 * - `otherPatientIds`: the retired Other Patient IDs (0010,1000), a 10-digit value (opt-in).
 */
export const NHS_NUMBER_PLACEMENTS = ['patientId', 'otherPatientIdsSequence', 'patientIdWithoutIssuer', 'otherPatientIds'] as const;
export type NhsNumberPlacement = (typeof NHS_NUMBER_PLACEMENTS)[number];

/** @default the two placements with an explicit NHS issuer. */
export const DEFAULT_NHS_NUMBER_PLACEMENTS: readonly NhsNumberPlacement[] = ['patientId', 'otherPatientIdsSequence'];

export function isNhsNumberPlacement(value: unknown): value is NhsNumberPlacement {
  return typeof value === 'string' && (NHS_NUMBER_PLACEMENTS as readonly string[]).includes(value);
}
