import type { ServerResponse } from 'node:http';
import { FHIR_JSON } from './fhirSystems';

/** Sends a FHIR resource as application/fhir+json. */
export function sendFhir(res: ServerResponse, status: number, resource: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(resource);
  res.writeHead(status, { ...headers, 'content-type': FHIR_JSON, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

