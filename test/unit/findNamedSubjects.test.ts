import { parse } from 'graphql';
import { findNamedSubjects } from '../../gateway/audit/findNamedSubjects';

const A = '9990000018';
const B = '9990000026';

describe('findNamedSubjects: the patients and studies an operation names, for the audit and the argument check', () => {
  it('finds NHS numbers given literally, in variables and inside fragments, in document order', () => {
    const document = parse(`query Two($nhs: String!) { a: patient(nhsNumber: "${A}") { nhsNumber } ...More }
      fragment More on Query { b: patient(nhsNumber: $nhs) { nhsNumber } }`);
    expect(findNamedSubjects(document, { nhs: B })).toEqual({ nhsNumbers: [A, B], studyUids: [], problem: null, historyProblem: null });
  });

  it('reads each request’s own variables from the same parsed document', () => {
    const document = parse('query H($nhs: String!, $uid: String!) { patient(nhsNumber: $nhs) { nhsNumber } study(studyInstanceUid: $uid) { accessionNumber } }');
    expect(findNamedSubjects(document, { nhs: A, uid: ' 1.2.3 ' })).toMatchObject({ nhsNumbers: [A], studyUids: ['1.2.3'], problem: null });
    expect(findNamedSubjects(document, { nhs: B, uid: '4.5.6' })).toMatchObject({ nhsNumbers: [B], studyUids: ['4.5.6'], problem: null });
    expect(findNamedSubjects(document, { nhs: '9990000019', uid: '4.5.6' })).toMatchObject({ nhsNumbers: [], problem: expect.any(String) });
    expect(findNamedSubjects(document, { nhs: A, uid: '7.8' })).toMatchObject({ nhsNumbers: [A], studyUids: ['7.8'], problem: null });
  });

  it('keeps the first malformed NHS number as the problem and still records the valid ones', () => {
    const document = parse(`{ a: patient(nhsNumber: "123") { nhsNumber } b: patient(nhsNumber: "${A}") { nhsNumber } c: patient(nhsNumber: "99900000") { nhsNumber } }`);
    const found = findNamedSubjects(document, {});
    expect(found.nhsNumbers).toEqual([A]);
    expect(found.problem).toEqual(findNamedSubjects(parse('{ patient(nhsNumber: "123") { nhsNumber } }'), {}).problem);
    expect(found.problem).not.toBeNull();
  });

  it('ignores an NHS number that is null or not given', () => {
    const document = parse('query($nhs: String) { auditEvents(nhsNumber: $nhs) { userId } }');
    expect(findNamedSubjects(document, {})).toEqual({ nhsNumbers: [], studyUids: [], problem: null, historyProblem: null });
    expect(findNamedSubjects(document, { nhs: null })).toEqual({ nhsNumbers: [], studyUids: [], problem: null, historyProblem: null });
    expect(findNamedSubjects(document, { nhs: A }).nhsNumbers).toEqual([A]);
  });

  it('reports the first malformed history argument, per request', () => {
    const document = parse(`query($f: Int, $m: [String!]) { patient(nhsNumber: "${A}") { imagingHistory(first: $f, filter: { modalities: $m }) { complete } } }`);
    expect(findNamedSubjects(document, { f: 20, m: ['CT'] }).historyProblem).toBeNull();
    expect(findNamedSubjects(document, { f: 0, m: ['c t'] }).historyProblem).toEqual({ argument: 'first', reason: expect.stringMatching(/^first must be between 1 and/) });
    expect(findNamedSubjects(document, { f: 5, m: ['c t'] }).historyProblem).toEqual({ argument: 'filter', reason: expect.stringMatching(/not a DICOM modality code/) });
    expect(findNamedSubjects(document, { f: 5, m: ['MR'] }).historyProblem).toBeNull();
  });
});
