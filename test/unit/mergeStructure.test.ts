import { mergeStructure } from '../../gateway/fanout/merge/mergeStructure';
import { prepared } from '../support/mergeFixtures';

describe('structural merge', () => {
  it('merges _entities answers position by position', () => {
    const p = prepared(`query($r: [_Any!]!) { _entities(representations: $r) { ... on Patient { nhsNumber imagingHistory { studies { studyInstanceUid } } } } }`);
    const entity = (nhs: string, uids: string[], date: string) => ({ nhsNumber: nhs, imagingHistory: { studies: uids.map((u) => ({ studyInstanceUid: u, _fo_uid: u, _fo_date: date, _fo_time: null })) } });
    const merged = mergeStructure(p.root, [{ _entities: [entity('A', ['a1'], '2020-01-01'), entity('B', [], '2020-01-01')] }, { _entities: [entity('A', ['a2'], '2021-01-01'), entity('B', ['b1'], '2021-01-01')] }], {});
    expect((merged._entities as any[]).map((e) => [e.nhsNumber, e.imagingHistory.studies.map((s: any) => s.studyInstanceUid)])).toEqual([
      ['A', ['a2', 'a1']],
      ['B', ['b1']],
    ]);
  });

  it('keeps a null entity where no region found one', () => {
    const p = prepared(`query($r: [_Any!]!) { _entities(representations: $r) { ... on Study { description } } }`);
    expect(mergeStructure(p.root, [{ _entities: [null, { description: 'CT head' }] }, { _entities: [null, null] }], {})).toEqual({ _entities: [null, { description: 'CT head' }] });
  });

  it("takes the first region's non-null scalar and merges objects field by field", () => {
    const p = prepared(`{ patient(nhsNumber: "x") { nhsNumber } regions: study(studyInstanceUid: "1") { description } }`);
    expect(mergeStructure(p.root, [{ patient: { nhsNumber: null }, regions: null }, { patient: { nhsNumber: '9990000018' }, regions: { description: 'MR knee' } }], {})).toEqual({
      patient: { nhsNumber: '9990000018' },
      regions: { description: 'MR knee' },
    });
  });

  it("keeps a study's own lists from one copy, and every region's locations", () => {
    const p = prepared(`{ study(studyInstanceUid: "1.2") { modalities locations { region { code } } } }`);
    const copy = (code: string, modalities: string[]) => ({ study: { modalities, locations: [{ region: { code } }] } });
    expect(mergeStructure(p.root, [copy('LDS', ['CT']), copy('LON', ['CT', 'MR'])], {})).toEqual({
      study: { modalities: ['CT'], locations: [{ region: { code: 'LDS' } }, { region: { code: 'LON' } }] },
    });
  });
});
