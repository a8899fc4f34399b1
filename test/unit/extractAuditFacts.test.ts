import { collectNhsNumbers, countStudies } from '../../gateway/audit/extractAuditFacts';
import { prepared } from '../support/mergeFixtures';

describe('audit facts from a region answer', () => {
  const p = prepared(`query($r: [_Any!]!) {
    patient(nhsNumber: "x") { imagingHistory { studies { studyInstanceUid } } }
    study(studyInstanceUid: "9.9") { description }
    _entities(representations: $r) { ... on Patient { imagingHistory { studies { studyInstanceUid } } } }
  }`);
  const data = {
    patient: { imagingHistory: { studies: [{ studyInstanceUid: '1', _fo_nhs: '9990000018' }, { studyInstanceUid: '2', _fo_nhs: '9990000018' }] } },
    study: { description: 'CT', _fo_nhs: '9990000026' },
    _entities: [{ imagingHistory: { studies: [{ studyInstanceUid: '3', _fo_nhs: '9990000034' }] } }, null],
  };

  it('counts history entries, lookups and entities', () => {
    expect(countStudies(p.root, data)).toBe(4);
    expect(countStudies(p.root, { patient: null, study: null, _entities: [] })).toBe(0);
  });

  it('collects the NHS number of every study returned', () => {
    const into = new Set<string>();
    collectNhsNumbers(p.root, data, into);
    expect([...into].sort()).toEqual(['9990000018', '9990000026', '9990000034']);
  });
});
