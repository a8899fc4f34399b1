import { formatNhsNumber, nhsCheckDigit, parseNhsNumber } from '../../lib/domain/parseNhsNumber';

describe('parseNhsNumber', () => {
  it.each([
    ['9434765919', '9434765919'],
    ['943 476 5919', '9434765919'],
    ['943-476-5919', '9434765919'],
    ['  9434765919 \n', '9434765919'],
    ['9990000018', '9990000018'],
  ])('accepts %j as %s', (input, expected) => {
    expect(parseNhsNumber(input)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['943476591', /must have 10 digits, got 9/],
    ['94347659190', /must have 10 digits, got 11/],
    ['9434765918', /check digit is wrong/],
    ['', /empty/],
    ['   ', /empty/],
    ['943 476-5919', /grouped 3-3-4/],
    ['943  476 5919', /grouped 3-3-4/],
    ['94 3476 5919', /grouped 3-3-4/],
    ['943476591X', /only digits/],
    ["9434765919' OR '1'='1", /only digits/],
    ['9434765919; DROP TABLE study', /only digits/],
    ['９４３４７６５９１９', /only digits/],
  ])('rejects %j saying what is wrong', (input, reason) => {
    const result = parseNhsNumber(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });

  it('rejects numbers whose first nine digits give check value 10', () => {
    // Find a nine-digit stem in the 999 range that has no valid check digit.
    let stem = 999000000;
    while (nhsCheckDigit(String(stem)) !== null) stem++;
    const result = parseNhsNumber(`${stem}0`);
    expect(result).toEqual({ ok: false, reason: expect.stringMatching(/no valid check digit/) });
  });

  it('rejects non-strings and absurdly long input without scanning it', () => {
    expect(parseNhsNumber(9434765919).ok).toBe(false);
    expect(parseNhsNumber('9'.repeat(10_000))).toEqual({ ok: false, reason: expect.stringMatching(/too long/) });
  });

  it('formats ten digits 3-3-4', () => {
    expect(formatNhsNumber('9434765919')).toBe('943 476 5919');
  });
});
