import { GraphQLError, Kind, parse, print, type OperationDefinitionNode } from 'graphql';
import { reshapeMyHistoryResult } from '../../gateway/patient/reshapeMyHistoryResult';
import { rewriteMyImagingHistory } from '../../gateway/patient/rewriteMyImagingHistory';

function operationOf(source: string) {
  const document = parse(source);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  return { document, operation };
}

describe("patients' own history is planned as the clinician's patient lookup", () => {
  it("turns myImagingHistory into patient(nhsNumber:) { imagingHistory } with the NHS number in a variable the caller cannot name", () => {
    const { document, operation } = operationOf('query Mine($f: StudyFilter) { myImagingHistory(filter: $f, first: 5) { complete studies { studyInstanceUid } } }');
    const rewritten = rewriteMyImagingHistory(document, operation)!;
    expect(print(rewritten.document)).toBe(
      print(parse('query Mine($f: StudyFilter, $__patientNhsNumber: String!) { myImagingHistory: patient(nhsNumber: $__patientNhsNumber) { imagingHistory(filter: $f, first: 5) { complete studies { studyInstanceUid } } } }')),
    );
    expect(rewritten.responseKeys).toEqual(['myImagingHistory']);
  });

  it('keeps the caller’s alias as the response key', () => {
    const { document, operation } = operationOf('{ mine: myImagingHistory { complete } }');
    const rewritten = rewriteMyImagingHistory(document, operation)!;
    expect(print(rewritten.operation)).toContain('mine: patient(nhsNumber: $__patientNhsNumber)');
    expect(rewritten.responseKeys).toEqual(['mine']);
  });

  it('leaves every other operation alone', () => {
    const { document, operation } = operationOf('{ regions { code } }');
    expect(rewriteMyImagingHistory(document, operation)).toBeNull();
  });

  it('gives the answer back in the shape asked for, with error paths pointing at the patient’s own field', () => {
    const error = new GraphQLError('Region LON is unavailable', { path: ['mine', 'imagingHistory', 'studies', 0] });
    const reshaped = reshapeMyHistoryResult({ data: { mine: { imagingHistory: { complete: false } } }, errors: [error] }, ['mine']);
    expect(reshaped.data).toEqual({ mine: { complete: false } });
    expect((reshaped.errors![0] as GraphQLError).path).toEqual(['mine', 'studies', 0]);
    expect(reshaped.errors![0]).toBeInstanceOf(GraphQLError);
    expect((reshaped.errors![0] as GraphQLError).message).toBe('Region LON is unavailable');
  });
});
