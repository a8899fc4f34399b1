import type { studyRow } from '../db/studyWrites';

/** A cell of a study or series row, as studyWrites builds them. */
export type CopyCell = ReturnType<typeof studyRow>[number];

const TEXT_SPECIAL = /[\\\t\n\r]/;

/** COPY text format escaping: backslash, tab, newline and carriage return become \\, \t, \n, \r. */
function escapeText(s: string): string {
  if (!TEXT_SPECIAL.test(s)) return s;
  return s.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

/**
 * An array literal: every element double-quoted (so NULL, commas, braces and spaces stay
 * literal), with " and \ backslash-escaped inside the quotes. The COPY layer then escapes
 * that text again, as PostgreSQL reads COPY escapes before parsing the literal.
 */
function arrayLiteral(items: readonly string[]): string {
  return `{${items.map((item) => `"${item.replace(/[\\"]/g, '\\$&')}"`).join(',')}}`;
}

/** One row in PostgreSQL's COPY text format (tab-separated, \N for NULL), newline-terminated. */
export function copyTextRow(cells: readonly CopyCell[]): string {
  // Joined once rather than concatenated cell by cell: one flat string instead of a chain
  // of ropes that every later join has to flatten (a bulk load encodes millions of rows).
  const out = new Array<string>(cells.length);
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i];
    if (cell === null || cell === undefined) out[i] = '\\N';
    else if (typeof cell === 'number') out[i] = String(cell);
    else if (typeof cell === 'string') out[i] = escapeText(cell);
    else out[i] = escapeText(arrayLiteral(cell));
  }
  return `${out.join('\t')}\n`;
}
