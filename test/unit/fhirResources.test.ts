import { failureFromGraphQL } from '../../gateway/fhir/failureFromGraphQL';
import type { GraphQLStudy } from '../../gateway/fhir/imagingStudyOperations';
import { matchesSearch } from '../../gateway/fhir/matchesSearch';
import { parseImagingStudySearch } from '../../gateway/fhir/parseImagingStudySearch';
import { regionGaps } from '../../gateway/fhir/regionGaps';
import { toImagingStudy } from '../../gateway/fhir/toImagingStudy';
import { toSearchBundle } from '../../gateway/fhir/toSearchBundle';
import { capabilityStatement } from '../../gateway/fhir/capabilityStatement';
import { expectValidFhir } from '../support/fhirSchema';

const study = (suffix: string, overrides: Partial<GraphQLStudy> = {}): GraphQLStudy => ({
  studyInstanceUid: `1.2.826.0.1.3680043.10.999.${suffix}`,
  accessionNumber: `ACC${suffix}`,
  studyDate: '2024-01-15',
  studyTime: '10:15:00',
  modalities: ['CT'],
  description: 'CT HEAD',
  numberOfStudyRelatedSeries: 1,
  numberOfStudyRelatedInstances: 10,
  status: 'AVAILABLE',
  nhsNumber: '9990000018',
  performingOrganisation: { odsCode: 'RXX01', name: null },
  region: { code: 'LDS', name: 'West Yorkshire' },
  retrieve: { wadoRsUrl: `https://pacs.example/studies/1.2.826.0.1.3680043.10.999.${suffix}` },
  series: [{ seriesInstanceUid: `1.2.826.0.1.3680043.10.999.${suffix}.1`, seriesNumber: 1, modality: null, description: null, bodyPartExamined: 'HEAD', numberOfSeriesRelatedInstances: 10 }],
  ...overrides,
});
const search = (params: Array<[string, string]>) => {
  const parsed = parseImagingStudySearch([['patient:identifier', 'https://fhir.nhs.uk/Id/nhs-number|9990000018'], ...params], false);
  if (!parsed.ok) throw new Error('bad search');
  return parsed.search;
};

describe('FHIR resources from GraphQL studies', () => {
  it('maps a study to a schema-valid ImagingStudy, body site as text and the study modality on an unlabelled series', () => {
    const resource = toImagingStudy(study('1'));
    expectValidFhir(resource);
    expect(resource.series?.[0]).toMatchObject({ modality: { code: 'CT' }, bodySite: { display: 'HEAD' }, performer: [{ actor: { reference: '#performer' } }] });
  });

  it('contains no Organization when no series could reference it, and no Endpoint without a WADO-RS URL', () => {
    const resource = toImagingStudy(study('2', { series: [], retrieve: { wadoRsUrl: null }, studyDate: null, accessionNumber: null, modalities: [] }));
    expectValidFhir(resource);
    expect(resource.contained).toBeUndefined();
    expect(resource.endpoint).toBeUndefined();
    expect(resource.started).toBeUndefined();
    expect(resource.identifier).toHaveLength(1);
  });

  it('reports a status the contract does not know (a study no longer in its archive) as unknown, left out unless asked', () => {
    const gone = study('3', { status: 'NOT_IN_ARCHIVE' });
    expect(toImagingStudy(gone).status).toBe('unknown');
    expect(matchesSearch(gone, search([]))).toBe(false);
    expect(matchesSearch(gone, search([['status', 'unknown']]))).toBe(true);
  });

  it('builds a schema-valid searchset: newest first, total of all matches, one outcome per missing region, then truncation', () => {
    const gaps = regionGaps(
      [
        { region: { code: 'LDS', name: 'West Yorkshire' }, status: 'OK' },
        { region: { code: 'MAN', name: 'Greater Manchester' }, status: 'TIMEOUT' },
      ],
      [{ message: 'Region LON (North Central London) is unavailable: connection refused', extensions: { code: 'REGION_UNAVAILABLE', region: 'LON' } }],
    );
    const bundle = toSearchBundle({
      base: 'https://gw.example/fhir',
      search: search([['_count', '2']]),
      matches: [study('1', { studyDate: '2020-01-01' }), study('2', { studyDate: null }), study('3', { studyDate: '2023-01-01' })],
      gaps,
    });
    expectValidFhir(bundle);
    expect(bundle.total).toBe(3);
    expect(bundle.entry.filter((e) => e.search.mode === 'match').map((e) => (e.resource as { identifier: Array<{ value: string }> }).identifier[0]!.value.split('.').pop())).toEqual(['3', '1']);
    const issues = bundle.entry.filter((e) => e.search.mode === 'outcome').map((e) => (e.resource as { issue: Array<{ code: string; details?: { coding: Array<{ code: string }> } }> }).issue[0]!);
    expect(issues.map((i) => [i.code, i.details?.coding[0]?.code ?? null])).toEqual([
      ['incomplete', 'LON'],
      ['timeout', 'MAN'],
      ['informational', null],
    ]);
  });

  it('serves a schema-valid CapabilityStatement', () => {
    expectValidFhir(capabilityStatement('https://gw.example/fhir'));
  });

  it.each([
    ['BAD_USER_INPUT', 400, 'invalid'],
    ['FORBIDDEN', 403, 'forbidden'],
    ['AUDIT_UNAVAILABLE', 503, 'transient'],
    ['NO_REGIONS', 503, 'transient'],
    ['INTERNAL_SERVER_ERROR', 500, 'exception'],
  ])('answers a GraphQL %s error with HTTP %i (%s)', (code, status, issue) => {
    const failure = failureFromGraphQL([{ message: 'Region LON down', extensions: { code: 'REGION_UNAVAILABLE', region: 'LON' } }, { message: 'why', extensions: { code } }]);
    expect(failure).toEqual({ status, issues: [{ severity: 'error', code: issue, diagnostics: 'why' }] });
  });

  it('leaves region failures to the Bundle', () => {
    expect(failureFromGraphQL([{ message: 'Region LON down', extensions: { code: 'REGION_TIMEOUT', region: 'LON' } }])).toBeNull();
  });
});
