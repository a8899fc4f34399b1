import { expectValidFhir } from './fhirSchema';

/** A FHIR answer as an EPR receives it. */
export interface FhirAnswer {
  status: number;
  headers: Headers;
  body: any;
}

/**
 * Calls the FHIR API and checks what every FHIR answer must be, whatever the test asserts
 * next: application/fhir+json, and valid against the R4 schema.
 */
export async function fetchFhir(url: string, init: RequestInit = {}): Promise<FhirAnswer> {
  const res = await fetch(url, init);
  const text = await res.text();
  const type = res.headers.get('content-type') ?? '';
  if (!type.startsWith('application/fhir+json')) throw new Error(`HTTP ${res.status} answered ${type}, not application/fhir+json: ${text.slice(0, 300)}`);
  const body = JSON.parse(text) as unknown;
  expectValidFhir(body);
  return { status: res.status, headers: res.headers, body };
}

/** POST ImagingStudy/_search with a form body, as the README recommends. */
export function postFhirSearch(base: string, params: Record<string, string> | Array<[string, string]>, headers: Record<string, string>): Promise<FhirAnswer> {
  return fetchFhir(`${base}/ImagingStudy/_search`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params).toString(),
  });
}
