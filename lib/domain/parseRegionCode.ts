/** The one rule for a region code: 2-12 letters or digits, compared upper-cased. */
const REGION_CODE = /^[A-Z0-9]{2,12}$/;

/** What a region code rule violation is called in messages. */
export const REGION_CODE_RULE = '2-12 letters or digits';

/** The normalised code (trimmed, upper-case), or null when `raw` breaks the rule. */
export function parseRegionCode(raw: string): string | null {
  const code = raw.trim().toUpperCase();
  return REGION_CODE.test(code) ? code : null;
}
