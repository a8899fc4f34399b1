/** Identifier and code systems the FHIR API uses, each stated once. */
export const FhirSystem = {
  NHS_NUMBER: 'https://fhir.nhs.uk/Id/nhs-number',
  ODS_CODE: 'https://fhir.nhs.uk/Id/ods-organization-code',
  DICOM_UID: 'urn:dicom:uid',
  DICOM_CODES: 'http://dicom.nema.org/resources/ontology/DCM',
  IDENTIFIER_TYPE: 'http://terminology.hl7.org/CodeSystem/v2-0203',
  ENDPOINT_CONNECTION_TYPE: 'http://terminology.hl7.org/CodeSystem/endpoint-connection-type',
  ENDPOINT_PAYLOAD_TYPE: 'http://terminology.hl7.org/CodeSystem/endpoint-payload-type',
  /** Not a registered namespace: our own name for a region of the federation (meta.source, outcome details). */
  REGION: 'urn:nhs-imaging-region',
} as const;

export const FHIR_JSON = 'application/fhir+json; charset=utf-8';
