import { FhirSystem } from './fhirSystems';
import type { Coding, Endpoint, ImagingStudy, ImagingStudySeries, ImagingStudyStatus, Organization } from './FhirTypes';
import type { GraphQLSeries, GraphQLStudy } from './imagingStudyOperations';
import { studySpan, toLondonDateTime } from './londonTime';
import { encodeStudyId } from './studyResourceId';

const ENDPOINT_ID = 'wado';
const ORGANISATION_ID = 'performer';

/** The FHIR status of a study. Anything but the two statuses the contract has today (a study no longer in its archive, say) is `unknown`. */
export function fhirStudyStatus(status: string): ImagingStudyStatus {
  switch (status) {
    case 'AVAILABLE':
      return 'available';
    case 'ENTERED_IN_ERROR':
      return 'entered-in-error';
    default:
      return 'unknown';
  }
}

const dicomCode = (code: string): Coding => ({ system: FhirSystem.DICOM_CODES, code });

/** FHIR unsignedInt: a count that is missing or negative is left out rather than sent wrong. */
const count = (n: number | null): number | undefined => (n !== null && Number.isInteger(n) && n >= 0 ? n : undefined);

/** `started`: a date alone when the archive gave no time, else a London date-time with its offset. */
export function fhirStarted(study: Pick<GraphQLStudy, 'studyDate' | 'studyTime'>): string | undefined {
  if (!study.studyDate) return undefined;
  if (!study.studyTime) return study.studyDate;
  return toLondonDateTime(studySpan(study.studyDate, study.studyTime).start);
}

function toSeries(series: GraphQLSeries, study: GraphQLStudy, performer: boolean): ImagingStudySeries {
  // R4 requires a modality on every series; fall back to the study's only one, else OT (other).
  const modality = series.modality ?? (study.modalities.length === 1 ? study.modalities[0]! : 'OT');
  return {
    uid: series.seriesInstanceUid,
    ...(count(series.seriesNumber) !== undefined ? { number: count(series.seriesNumber)! } : {}),
    modality: dicomCode(modality),
    ...(series.description ? { description: series.description } : {}),
    ...(count(series.numberOfSeriesRelatedInstances) !== undefined ? { numberOfInstances: count(series.numberOfSeriesRelatedInstances)! } : {}),
    ...(series.bodyPartExamined ? { bodySite: { display: series.bodyPartExamined } } : {}),
    // R4 ImagingStudy has no study-level organisation: the performing one goes on each series.
    ...(performer ? { performer: [{ actor: { reference: `#${ORGANISATION_ID}` } }] } : {}),
  };
}

/** One study of the GraphQL contract as an R4 ImagingStudy (see the README's mapping table). */
export function toImagingStudy(study: GraphQLStudy): ImagingStudy {
  const contained: Array<Endpoint | Organization> = [];
  const wado = study.retrieve.wadoRsUrl;
  if (wado) {
    contained.push({
      resourceType: 'Endpoint',
      id: ENDPOINT_ID,
      status: 'active',
      connectionType: { system: FhirSystem.ENDPOINT_CONNECTION_TYPE, code: 'dicom-wado-rs' },
      payloadType: [{ coding: [{ system: FhirSystem.ENDPOINT_PAYLOAD_TYPE, code: 'any' }] }],
      payloadMimeType: ['application/dicom'],
      address: wado,
    });
  }
  const org = study.performingOrganisation;
  // A contained resource must be referenced (FHIR dom-3): only contain it when a series points at it.
  const performer = org !== null && study.series.length > 0;
  if (performer) {
    contained.push({
      resourceType: 'Organization',
      id: ORGANISATION_ID,
      identifier: [{ system: FhirSystem.ODS_CODE, value: org.odsCode }],
      ...(org.name ? { name: org.name } : {}),
    });
  }
  const started = fhirStarted(study);
  return {
    resourceType: 'ImagingStudy',
    id: encodeStudyId(study.studyInstanceUid),
    meta: { source: `${FhirSystem.REGION}:${study.region.code}` },
    ...(contained.length > 0 ? { contained } : {}),
    identifier: [
      { system: FhirSystem.DICOM_UID, value: `urn:oid:${study.studyInstanceUid}` },
      ...(study.accessionNumber
        ? [{ use: 'usual' as const, type: { coding: [{ system: FhirSystem.IDENTIFIER_TYPE, code: 'ACSN' }] }, value: study.accessionNumber }]
        : []),
    ],
    status: fhirStudyStatus(study.status),
    ...(study.modalities.length > 0 ? { modality: study.modalities.map(dicomCode) } : {}),
    subject: { identifier: { system: FhirSystem.NHS_NUMBER, value: study.nhsNumber } },
    ...(started ? { started } : {}),
    ...(wado ? { endpoint: [{ reference: `#${ENDPOINT_ID}` }] } : {}),
    ...(count(study.numberOfStudyRelatedSeries) !== undefined ? { numberOfSeries: count(study.numberOfStudyRelatedSeries)! } : {}),
    ...(count(study.numberOfStudyRelatedInstances) !== undefined ? { numberOfInstances: count(study.numberOfStudyRelatedInstances)! } : {}),
    ...(study.description ? { description: study.description } : {}),
    ...(study.series.length > 0 ? { series: study.series.map((s) => toSeries(s, study, performer)) } : {}),
  };
}
