import { readFileSync } from 'node:fs';
import path from 'node:path';
import { renderErrorTable, withErrorTables } from '../../scripts/errorDocs';
import { GATEWAY_ERRORS } from '../../gateway/errors';
import { REGION_ERRORS } from '../../subgraphs/region/errors';

describe('error-code documentation', () => {
  const readme = readFileSync(path.resolve(__dirname, '../../README.md'), 'utf8');

  it('README tables equal the registries (run npm run docs:errors after changing a registry)', () => {
    expect(withErrorTables(readme)).toBe(readme);
  });

  it('lists every code of each registry once', () => {
    for (const registry of [GATEWAY_ERRORS, REGION_ERRORS]) {
      const table = renderErrorTable(registry);
      for (const code of Object.keys(registry)) expect(table.split(`| \`${code}\` |`)).toHaveLength(2);
    }
  });

  it('keys each registry by its own codes', () => {
    for (const registry of [GATEWAY_ERRORS, REGION_ERRORS]) for (const [key, definition] of Object.entries(registry)) expect(definition.code).toBe(key);
  });
});
