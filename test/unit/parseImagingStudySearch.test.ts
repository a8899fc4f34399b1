import { parseImagingStudySearch } from '../../gateway/fhir/parseImagingStudySearch';

const NHS = 'https://fhir.nhs.uk/Id/nhs-number';
const nhs = '9990000018';
const patient: [string, string] = ['patient:identifier', `${NHS}|${nhs}`];
const parse = (params: Array<[string, string]>, lenient = false) => parseImagingStudySearch(params, lenient);
const ok = (params: Array<[string, string]>, lenient = false) => {
  const parsed = parse(params, lenient);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.failure));
  return parsed.search;
};

describe('ImagingStudy search parameters', () => {
  it.each([['patient:identifier'], ['patient.identifier'], ['subject:identifier']])('takes the NHS number from %s', (name) => {
    expect(ok([[name, `${NHS}|${nhs}`]]).nhsNumber).toBe(nhs);
  });

  it('defaults to the newest 100 available studies', () => {
    expect(ok([patient])).toMatchObject({ count: 100, statuses: new Set(['available']), ignored: [] });
  });

  it('caps _count at 1000 and accepts _sort=-started only', () => {
    expect(ok([patient, ['_count', '5000']]).count).toBe(1000);
    expect(ok([patient, ['_count', '0']]).count).toBe(0);
    expect(ok([patient, ['_sort', '-started']]).count).toBe(100);
    expect(parse([patient, ['_sort', 'started']])).toMatchObject({ ok: false, failure: { status: 400, issues: [{ code: 'not-supported' }] } });
    expect(parse([patient, ['_count', 'ten']])).toMatchObject({ ok: false, failure: { status: 400, issues: [{ code: 'invalid' }] } });
  });

  it('reads identifiers as StudyInstanceUIDs (with or without the urn:dicom:uid system) or accession numbers', () => {
    const search = ok([['identifier', 'urn:dicom:uid|urn:oid:1.2.3,urn:oid:1.2.4'], ['identifier', 'ACC1']]);
    expect(search.identifiers).toEqual([
      [
        { kind: 'uid', uid: '1.2.3' },
        { kind: 'uid', uid: '1.2.4' },
      ],
      [{ kind: 'value', value: 'ACC1' }],
    ]);
    expect(search.studyUids).toEqual(['1.2.3', '1.2.4']);
    expect(parse([patient, ['identifier', 'http://other.example|X']])).toMatchObject({ ok: false, failure: { status: 400 } });
  });

  it('reads modalities with or without the DICOM system, ORed within one parameter and ANDed across', () => {
    const search = ok([patient, ['modality', 'ct,http://dicom.nema.org/resources/ontology/DCM|MR'], ['modality', 'PT']]);
    expect(search.modalities).toEqual([['CT', 'MR'], ['PT']]);
    expect(parse([patient, ['modality', 'http://snomed.info/sct|77477000']])).toMatchObject({ ok: false, failure: { status: 400 } });
  });

  it('returns entered-in-error or unknown studies only when status asks', () => {
    expect(ok([patient, ['status', 'entered-in-error,unknown']]).statuses).toEqual(new Set(['entered-in-error', 'unknown']));
    expect(parse([patient, ['status', 'deleted']])).toMatchObject({ ok: false, failure: { status: 400 } });
  });

  it('refuses an unsupported parameter by name only, never echoing its value', () => {
    const parsed = parse([patient, ['patient', nhs]]);
    expect(parsed).toMatchObject({ ok: false, failure: { status: 400, issues: [{ code: 'not-supported' }] } });
    expect(JSON.stringify(parsed)).not.toContain(`"${nhs}`);
  });

  it('ignores unsupported parameters under lenient handling, and lists them', () => {
    const search = ok([patient, ['_include', 'ImagingStudy:subject'], ['started', 'ap2024'], ['_sort', 'date']], true);
    expect(search.ignored).toEqual(['_include', 'started', '_sort']);
    expect(search.used).toEqual([patient]);
    expect(search.started).toEqual([]);
  });

  it('still refuses malformed values under lenient handling', () => {
    expect(parse([patient, ['started', 'yesterday']], true)).toMatchObject({ ok: false, failure: { status: 400, issues: [{ code: 'invalid' }] } });
  });

  it.each<[string, Array<[string, string]>]>([
    ['a modality alone', [['modality', 'CT']]],
    ['an accession number alone', [['identifier', 'ACC1']]],
    ['a UID ORed with an accession number', [['identifier', 'urn:oid:1.2.3,ACC1']]],
    ['dates alone', [['started', 'ge2024']]],
    ['a patient given in a form that is ignored', [['patient', 'Patient/123']]],
  ])('refuses a population search: %s', (_label, params) => {
    expect(parse(params, true)).toMatchObject({ ok: false, failure: { status: 400, issues: [{ code: 'business-rule' }] } });
  });

  it('refuses a second patient and other identifier systems for patients', () => {
    expect(parse([patient, ['subject:identifier', `${NHS}|9990000026`]])).toMatchObject({ ok: false, failure: { status: 400 } });
    expect(parse([['patient:identifier', 'https://fhir.example/mrn|123']])).toMatchObject({ ok: false, failure: { status: 400 } });
  });

  it('refuses more than 10 UIDs without a patient', () => {
    const uids = Array.from({ length: 11 }, (_, i) => `urn:oid:1.2.${i + 1}`).join(',');
    expect(parse([['identifier', uids]])).toMatchObject({ ok: false, failure: { status: 400 } });
  });

  it('refuses formats other than JSON with 406', () => {
    expect(parse([patient, ['_format', 'xml']])).toMatchObject({ ok: false, failure: { status: 406 } });
    expect(ok([patient, ['_format', 'application/fhir+json']]).nhsNumber).toBe(nhs);
  });
});
