import { classifyAnswer } from '../../gateway/audit/classifyAnswer';

describe('how an answer is classified, the same for metrics and the audit trail', () => {
  it('calls an answer where every region failed (patient: null, one error each) an error, not partial', () => {
    expect(classifyAnswer({ data: { patient: null }, errors: [{ message: 'LDS down' }, { message: 'LON down' }] }, true)).toBe('error');
  });

  it('calls data with errors partial, data alone ok, and no data at all an error', () => {
    expect(classifyAnswer({ data: { patient: { nhsNumber: '9990000018' } }, errors: [{ message: 'LON down' }] }, true)).toBe('partial');
    expect(classifyAnswer({ data: { patient: { nhsNumber: '9990000018' } } }, false)).toBe('ok');
    expect(classifyAnswer({ errors: [{ message: 'audit unavailable' }] }, true)).toBe('error');
    expect(classifyAnswer(null, false)).toBe('error');
  });
});
