import { decodeStudyId, encodeStudyId } from '../../gateway/fhir/studyResourceId';

describe('ImagingStudy resource ids', () => {
  const longest = `1.${'2'.repeat(62)}`; // 64 characters, the most a DICOM UID may have

  it.each([['1.2.826.0.1.3680043.10.999.401'], ['1.2'], [longest]])('gives back the StudyInstanceUID %s from its id', (uid) => {
    expect(decodeStudyId(encodeStudyId(uid))).toBe(uid);
  });

  it('is stable, opaque, and a valid FHIR id of at most 64 characters', () => {
    const uid = '1.2.826.0.1.3680043.10.999.401';
    expect(encodeStudyId(uid)).toBe(encodeStudyId(uid));
    expect(encodeStudyId(uid)).not.toContain('826');
    for (const id of [encodeStudyId(uid), encodeStudyId(longest)]) expect(id).toMatch(/^[A-Za-z0-9\-.]{1,64}$/);
  });

  it('gives different studies different ids', () => {
    expect(encodeStudyId('1.2.3.4')).not.toBe(encodeStudyId('1.2.3.40'));
    expect(encodeStudyId('1.2.3')).not.toBe(encodeStudyId('1.2.30'));
  });

  it.each([
    ['an id of another scheme', 'x1234'],
    ['characters FHIR ids do not allow', 'uab_c'],
    ['bytes that are not UID characters', `u${Buffer.from([0xbb, 0xcc]).toString('base64url')}`],
    ['a UID with a leading zero', encodeStudyId('1.02.3')],
    ['a non-canonical spelling of a valid id', `${encodeStudyId('1.2.3')}A`],
    ['nothing after the scheme', 'u'],
  ])('resolves nothing for %s', (_label, id) => {
    expect(decodeStudyId(id)).toBeNull();
  });
});
