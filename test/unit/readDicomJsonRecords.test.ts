import { readDicomJsonRecords, type DicomJsonFormat, type RawRecord } from '../../subgraphs/region/bulk/readDicomJsonRecords';

async function* chunksOf(text: string, size: number): AsyncGenerator<Buffer> {
  const bytes = Buffer.from(text, 'utf8');
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function read(text: string, size = 1 << 16, format: DicomJsonFormat | 'auto' = 'auto'): Promise<RawRecord[]> {
  const out: RawRecord[] = [];
  for await (const r of readDicomJsonRecords(chunksOf(text, size), format)) out.push(r);
  return out;
}

const tricky = [
  { '00081030': { vr: 'LO', Value: ['a, "quoted" ] } [ { description\\'] } },
  { '00080090': { vr: 'PN', Value: [{ Alphabetic: 'Ünal^Zoë' }] }, n: [1, [2, [3]], {}] },
  { '0020000D': { vr: 'UI', Value: ['1.2.3'] } },
];

describe('readDicomJsonRecords', () => {
  it('splits a JSON array into records wherever the chunks happen to break', async () => {
    const text = ` \n[\n${tricky.map((o) => JSON.stringify(o, null, 1)).join(' ,\n')}\n]\n`;
    for (const size of [1, 2, 3, 7, 64, 1 << 16]) {
      const records = await read(text, size);
      expect(records).toEqual(tricky.map((value, i) => ({ ok: true, record: i + 1, value })));
    }
  });

  it('reads NDJSON lines, skipping blank lines and numbering records and lines', async () => {
    const text = `${JSON.stringify(tricky[0])}\r\n\n${JSON.stringify(tricky[1])}\n   \n${JSON.stringify(tricky[2])}`;
    for (const size of [1, 5, 1 << 16]) {
      expect(await read(text, size)).toEqual([
        { ok: true, record: 1, line: 1, value: tricky[0] },
        { ok: true, record: 2, line: 3, value: tricky[1] },
        { ok: true, record: 3, line: 5, value: tricky[2] },
      ]);
    }
  });

  it('turns a malformed NDJSON line into a refused record and carries on', async () => {
    const records = await read(`{"a":1}\n{"b": tru\n{"c":3}\n`);
    expect(records.map((r) => [r.ok, r.record, r.line])).toEqual([[true, 1, 1], [false, 2, 2], [true, 3, 3]]);
    expect(records[1]).toMatchObject({ ok: false, reason: expect.stringMatching(/^not valid JSON/) });
  });

  it('turns a malformed array element into a refused record and carries on', async () => {
    const records = await read('[{"a":1}, {"b": nope}, {"c":3}, , {"d":4}]');
    expect(records.map((r) => (r.ok ? r.value : r.reason.slice(0, 14)))).toEqual([{ a: 1 }, 'not valid JSON', { c: 3 }, 'empty record (', { d: 4 }]);
  });

  it('reports a truncated array instead of losing the last record silently', async () => {
    const records = await read('[{"a":1},{"b":[2');
    expect(records).toEqual([
      { ok: true, record: 1, value: { a: 1 } },
      { ok: false, record: 2, reason: 'the file ended inside a record (missing "}" or "]")' },
    ]);
    expect((await read('[{"a":1},'))[1]).toEqual({ ok: false, record: 2, reason: 'the file ended before the closing "]" of the array' });
  });

  it('detects the format from the first non-blank character, or takes it as told', async () => {
    expect(await read('\uFEFF  \n\n[{"a":1}]', 1)).toEqual([{ ok: true, record: 1, value: { a: 1 } }]);
    expect(await read('\n\n{"a":1}\n', 1)).toEqual([{ ok: true, record: 1, line: 3, value: { a: 1 } }]);
    expect(await read('{"a":1}', 1 << 16, 'json')).toEqual([
      { ok: false, record: 1, reason: 'expected a JSON array (the file does not start with "[")' },
    ]);
  });

  it('yields nothing for an empty file or an empty array', async () => {
    expect(await read('')).toEqual([]);
    expect(await read(' \n ')).toEqual([]);
    expect(await read('[ ]')).toEqual([]);
  });

  it('refuses text after the closing bracket', async () => {
    expect(await read('[{"a":1}] [{"b":2}]')).toEqual([
      { ok: true, record: 1, value: { a: 1 } },
      { ok: false, record: 2, reason: 'unexpected text after the closing "]" of the array' },
    ]);
  });
});
