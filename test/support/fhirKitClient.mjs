// An EPR's view of the FHIR API, through fhir-kit-client (a maintained FHIR client).
// fhir-kit-client 2 is ESM-only and jest 29 cannot load it in-process, so the e2e test
// runs this script with node and reads one JSON object from stdout.
// Input (argv[2], JSON): { baseUrl, token, nhsNumber }.
import { Client } from 'fhir-kit-client';

const { baseUrl, token, nhsNumber } = JSON.parse(process.argv[2]);
const client = new Client({ baseUrl, bearerToken: token, customHeaders: { 'X-Purpose-Of-Use': 'DIRECT_CARE' } });
const searchParams = { 'patient:identifier': `https://fhir.nhs.uk/Id/nhs-number|${nhsNumber}` };

const capability = await client.capabilityStatement();
const viaGet = await client.search({ resourceType: 'ImagingStudy', searchParams });
const viaPost = await client.search({ resourceType: 'ImagingStudy', searchParams, options: { postSearch: true } });
const first = (viaPost.entry ?? []).find((e) => e.search?.mode === 'match');
const read = first ? await client.read({ resourceType: 'ImagingStudy', id: first.resource.id }) : null;
process.stdout.write(JSON.stringify({ capability, viaGet, viaPost, read }));
