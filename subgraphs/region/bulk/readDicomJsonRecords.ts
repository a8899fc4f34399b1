import { StringDecoder } from 'node:string_decoder';
import { splitJsonArray } from './splitJsonArray';

export type DicomJsonFormat = 'json' | 'ndjson';

/**
 * One record of a DICOM JSON file: the parsed JSON value, or why it could not be parsed.
 * `record` counts records from 1; `line` is the NDJSON line number (blank lines are skipped
 * but counted), so a reject can be found in an editor.
 */
export type RawRecord =
  | { ok: true; record: number; line?: number; value: unknown }
  | { ok: false; record: number; line?: number; reason: string };

async function* decode(source: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  // StringDecoder keeps a multi-byte character split across two chunks whole.
  const decoder = new StringDecoder('utf8');
  for await (const chunk of source) {
    const text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
    if (text !== '') yield text;
  }
  const rest = decoder.end();
  if (rest !== '') yield rest;
}

/** Yields `first` then the rest of `iterator`, so a peeked chunk is not lost. */
async function* prepend(first: string[], iterator: AsyncIterator<string>): AsyncGenerator<string> {
  yield* first;
  for (;;) {
    const next = await iterator.next();
    if (next.done) return;
    yield next.value;
  }
}

function describe(err: unknown): string {
  return `not valid JSON: ${err instanceof Error ? err.message : String(err)}`.slice(0, 300);
}

async function* ndjsonRecords(chunks: AsyncIterable<string>): AsyncGenerator<RawRecord> {
  let carry = '';
  let line = 0;
  let record = 0;
  const emit = (text: string): RawRecord | null => {
    line++;
    const t = text.trim();
    if (t === '') return null;
    record++;
    try {
      return { ok: true, record, line, value: JSON.parse(t) as unknown };
    } catch (err) {
      return { ok: false, record, line, reason: describe(err) };
    }
  };
  for await (const chunk of chunks) {
    const data = carry === '' ? chunk : carry + chunk;
    let start = 0;
    for (let nl = data.indexOf('\n'); nl >= 0; nl = data.indexOf('\n', start)) {
      const r = emit(data.slice(start, nl));
      if (r) yield r;
      start = nl + 1;
    }
    carry = data.slice(start);
  }
  if (carry !== '') {
    const r = emit(carry);
    if (r) yield r;
  }
}

async function* arrayRecords(chunks: AsyncIterable<string>): AsyncGenerator<RawRecord> {
  let record = 0;
  for await (const element of splitJsonArray(chunks)) {
    record++;
    if (!element.ok) {
      yield { ok: false, record, reason: element.reason };
      continue;
    }
    try {
      yield { ok: true, record, value: JSON.parse(element.text) as unknown };
    } catch (err) {
      yield { ok: false, record, reason: describe(err) };
    }
  }
}

/**
 * Streams the records of a DICOM JSON file: a JSON array (what QIDO-RS returns) or NDJSON
 * (one object per line). With `format` 'auto' the first non-blank character decides:
 * "[" means an array. Memory holds one record at a time.
 */
export async function* readDicomJsonRecords(
  source: AsyncIterable<Buffer | string>,
  format: DicomJsonFormat | 'auto' = 'auto',
): AsyncGenerator<RawRecord> {
  const iterator = decode(source)[Symbol.asyncIterator]();
  const peeked: string[] = [];
  let resolved: DicomJsonFormat | null = format === 'auto' ? null : format;
  while (resolved === null) {
    const next = await iterator.next();
    if (next.done) return; // an empty or all-blank file holds no records
    peeked.push(next.value);
    const first = /[^\s\uFEFF]/.exec(next.value);
    if (first) resolved = first[0] === '[' ? 'json' : 'ndjson';
  }
  const chunks = prepend(peeked, iterator);
  yield* resolved === 'json' ? arrayRecords(chunks) : ndjsonRecords(chunks);
}
