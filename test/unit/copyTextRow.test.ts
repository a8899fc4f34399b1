import { copyTextRow } from '../../subgraphs/region/bulk/copyTextRow';

describe('copyTextRow', () => {
  it('separates cells with tabs, ends with a newline and writes NULL as \\N', () => {
    expect(copyTextRow(['a', 1, null, 'b'])).toBe('a\t1\t\\N\tb\n');
  });

  it('escapes backslashes, tabs, newlines and carriage returns inside text', () => {
    expect(copyTextRow(['C:\\scans\tnew\nline\r'])).toBe('C:\\\\scans\\tnew\\nline\\r\n');
  });

  it('writes arrays as quoted literals, so NULL, commas, braces and quotes stay text', () => {
    expect(copyTextRow([['CT', 'NULL', 'a,b', '{x}', 'say "hi"', 'back\\slash']])).toBe(
      '{"CT","NULL","a,b","{x}","say \\\\"hi\\\\"","back\\\\\\\\slash"}\n',
    );
    expect(copyTextRow([[]])).toBe('{}\n');
  });
});
