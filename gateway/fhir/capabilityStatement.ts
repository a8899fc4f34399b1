import { FhirSystem } from './fhirSystems';
import { DEFAULT_COUNT, MAX_COUNT, MAX_UIDS } from './parseImagingStudySearch';

/** When this statement last changed; bump it with any change below. */
const STATEMENT_DATE = '2026-11-29';
const SP = 'http://hl7.org/fhir/SearchParameter';

/**
 * The R4 CapabilityStatement of this FHIR API: exactly what it supports, no more. Served
 * without a token (it holds no patient data), as FHIR clients fetch it before signing in.
 */
export function capabilityStatement(base: string) {
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: STATEMENT_DATE,
    publisher: 'National federated imaging-study index',
    kind: 'instance',
    implementation: { description: 'FHIR R4 ImagingStudy search over the national imaging-study index (the GraphQL gateway, same rules and audit)', url: base },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json', 'json'],
    rest: [
      {
        mode: 'server',
        documentation:
          'Every request except this statement needs Authorization: Bearer <JWT> with role CLINICIAN and purpose of use DIRECT_CARE (token claim or X-Purpose-Of-Use header), or a patient token from NHS login (identity level P9) for a search by the patient\'s own NHS number only; every read is audited. Errors are OperationOutcomes.',
        security: {
          service: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'OAuth' }] }],
          description: 'Bearer JWT from the national identity provider (CIS2), or from NHS login for a patient\'s own studies; 401 without one, 403 when role or purpose do not allow (a patient searching another NHS number, by UID, or reading by id), 429 above the per-user rate.',
        },
        resource: [
          {
            type: 'ImagingStudy',
            documentation: [
              `Search with GET ImagingStudy or POST ImagingStudy/_search (form body; recommended, keeps NHS numbers out of URLs).`,
              `Every search names a patient by NHS number or a study by StudyInstanceUID (at most ${MAX_UIDS}); anything else is a population search and is refused (400).`,
              `Entered-in-error studies, and studies no longer in their archive (status unknown), are left out unless the status parameter asks for them.`,
              `_count: default ${DEFAULT_COUNT}, at most ${MAX_COUNT}; the newest are kept, total counts every match, and an information outcome entry says when the result was truncated.`,
              `_sort: only -started (the default). No paging, _include, _revinclude, _summary or _elements.`,
              `Unsupported parameters are refused (400) unless Prefer: handling=lenient, which ignores them and says so in an outcome entry.`,
              `A region that did not answer is one OperationOutcome entry (search.mode outcome, issue code timeout or incomplete, naming the region).`,
              `Resource ids are opaque and stable, derived from the StudyInstanceUID.`,
            ].join(' '),
            interaction: [{ code: 'read' }, { code: 'search-type' }],
            versioning: 'no-version',
            readHistory: false,
            updateCreate: false,
            searchParam: [
              { name: 'patient', definition: `${SP}/clinical-patient`, type: 'reference', documentation: `Only chained as patient:identifier or patient.identifier=${FhirSystem.NHS_NUMBER}|<NHS number>` },
              { name: 'subject', definition: `${SP}/ImagingStudy-subject`, type: 'reference', documentation: `Only as subject:identifier=${FhirSystem.NHS_NUMBER}|<NHS number>` },
              { name: 'identifier', definition: `${SP}/clinical-identifier`, type: 'token', documentation: `${FhirSystem.DICOM_UID}|urn:oid:<StudyInstanceUID>, or an accession number without system` },
              { name: 'modality', definition: `${SP}/ImagingStudy-modality`, type: 'token', documentation: `DICOM modality code, with or without system ${FhirSystem.DICOM_CODES}` },
              { name: 'started', definition: `${SP}/ImagingStudy-started`, type: 'date', documentation: 'Prefixes eq, ge, le, gt, lt; a date or dateTime. DICOM dates and times are Europe/London local time.' },
              { name: 'status', definition: `${SP}/ImagingStudy-status`, type: 'token', documentation: 'available (default), entered-in-error, unknown (no longer in its archive)' },
            ],
          },
        ],
      },
    ],
  };
}
