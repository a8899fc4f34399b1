import { parseRegionCode } from '../../lib/domain/parseRegionCode';

describe('parseRegionCode', () => {
  it.each([
    ['LDS', 'LDS'],
    [' lds ', 'LDS'],
    ['E54000050', 'E54000050'],
    ['AB', 'AB'],
    ['ABCDEFGHIJKL', 'ABCDEFGHIJKL'],
  ])('accepts %p as %p', (raw, code) => {
    expect(parseRegionCode(raw)).toBe(code);
  });

  it.each(['', 'A', 'ABCDEFGHIJKLM', 'L-DS', 'LD S', 'lds!'])('refuses %p', (raw) => {
    expect(parseRegionCode(raw)).toBeNull();
  });
});
