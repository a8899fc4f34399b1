/** Regenerates the README's error-code tables from the registries: npm run docs:errors */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { withErrorTables } from './errorDocs';

const readme = path.resolve(__dirname, '..', 'README.md');
writeFileSync(readme, withErrorTables(readFileSync(readme, 'utf8')));
process.stdout.write(`updated ${readme}\n`);
