import { parse, validate } from 'graphql';
import { previousRegionSubgraphSchema, regionSubgraphSchema } from '../../lib/contract';
import { prepareFanOutOperation } from '../../gateway/fanout/prepareFanOutOperation';
import { stampCompleteness } from '../../gateway/fanout/merge/completeness';
import { regionsAskedFor } from '../../gateway/fanout/routeFetch';
import { answerWithoutRegions } from '../../gateway/locator/answerWithoutRegions';
import { patientNhsNumbers } from '../../gateway/locator/patientNhsNumbers';

const prepared = (query: string) => {
  const p = prepareFanOutOperation(query, regionSubgraphSchema());
  if (p.kind !== 'query') throw new Error(p.reason);
  return p;
};

describe('routing a fetch by patient', () => {
  it('finds the patients of patient() fields and of Patient representations, normalised', () => {
    expect(patientNhsNumbers(prepared('query($n: String!) { patient(nhsNumber: $n) { nhsNumber } }').root, { n: '999 000 0018' })).toEqual(['9990000018']);
    const entities = prepared('query($r: [_Any!]!) { _entities(representations: $r) { ... on Patient { nhsNumber } } }');
    expect(patientNhsNumbers(entities.root, { r: [{ __typename: 'Patient', nhsNumber: '9990000018' }, { __typename: 'Patient', nhsNumber: '9990000026' }] })).toEqual(['9990000018', '9990000026']);
  });

  it('does not route a fetch that asks for anything but patients, or names a malformed number', () => {
    expect(patientNhsNumbers(prepared('{ study(studyInstanceUid: "1.2.3") { studyInstanceUid } }').root, {})).toBeNull();
    expect(patientNhsNumbers(prepared('{ patient(nhsNumber: "9990000018") { nhsNumber } study(studyInstanceUid: "1.2.3") { studyInstanceUid } }').root, {})).toBeNull();
    expect(patientNhsNumbers(prepared('{ patient(nhsNumber: "9990000019") { nhsNumber } }').root, {})).toBeNull();
  });
});

describe('what regions are sent', () => {
  it('never asks a region for coverage, so regions on the previous contract can answer the same fetch', () => {
    const p = prepared('{ patient(nhsNumber: "9990000018") { imagingHistory { coverage { regionsAsked } studies { studyInstanceUid } } } }');
    expect(p.query).not.toContain('coverage');
    expect(validate(previousRegionSubgraphSchema(), parse(p.query))).toEqual([]);
    const only = prepared('{ patient(nhsNumber: "9990000018") { imagingHistory { coverage { regionsAsked } } } }');
    expect(validate(previousRegionSubgraphSchema(), parse(only.query))).toEqual([]);
  });
});

describe('an answer no region was asked for', () => {
  it('is each patient with an empty, complete history that counts every region as skipped', () => {
    const p = prepared('query($n: String!) { a: patient(nhsNumber: $n) { nhsNumber imagingHistory { complete studies { studyInstanceUid } sources { status } coverage { regionsInScope regionsAsked regionsSkipped } } } }');
    const data = answerWithoutRegions(p.root, { n: '9990000018' });
    stampCompleteness(p.root, data, { n: '9990000018' }, { asked: [], skipped: ['LDS', 'LON'] }, regionsAskedFor);
    expect(data).toEqual({
      a: { nhsNumber: '9990000018', imagingHistory: { complete: true, studies: [], sources: [], coverage: { regionsInScope: 2, regionsAsked: 0, regionsSkipped: 2 } } },
    });
  });
});

describe('stamped completeness', () => {
  it('lists every region asked in order, counts what each returned, and is complete only when all answered', () => {
    const p = prepared('{ patient(nhsNumber: "9990000018") { imagingHistory { complete sources { region { code name } status studyCount latencyMs } coverage { regionsInScope regionsAsked regionsSkipped } } } }');
    const data = { patient: { imagingHistory: { complete: true, sources: [{ region: { code: 'EVIL', name: 'claims' }, status: 'OK', studyCount: 99, latencyMs: 0 }] } } };
    stampCompleteness(p.root, data, {}, {
      asked: [
        { region: { code: 'LDS', name: 'Leeds' }, status: 'OK', latencyMs: 5, counts: new Map([['/patient/imagingHistory', 3]]) },
        { region: { code: 'LON', name: 'London' }, status: 'TIMEOUT', latencyMs: 2000, counts: null },
      ],
      skipped: ['MAN'],
    }, regionsAskedFor);
    expect(data.patient.imagingHistory).toEqual({
      complete: false,
      sources: [
        { region: { code: 'LDS', name: 'Leeds' }, status: 'OK', studyCount: 3, latencyMs: 5 },
        { region: { code: 'LON', name: 'London' }, status: 'TIMEOUT', studyCount: null, latencyMs: 2000 },
      ],
      coverage: { regionsInScope: 3, regionsAsked: 2, regionsSkipped: 1 },
    });
  });
});
