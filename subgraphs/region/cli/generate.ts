import fs from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createProgressReporter } from '../bulk/createProgressReporter';
import { createStudyGenerator } from '../synthetic/createStudyGenerator';
import { toDicomJson } from '../synthetic/toDicomJson';
import { stringArg } from './parseCliArgs';
import { runCli } from './runCli';
import { SYNTHETIC_REGION_OPTIONS, SYNTHETIC_REGION_USAGE, syntheticRegionArgs } from './syntheticRegionArgs';

const USAGE = `Writes a synthetic regional index as DICOM JSON (what QIDO-RS returns), for the bulk loader.

Usage: tsx subgraphs/region/cli/generate.ts --region LDS --regions LDS,LON,MAN --studies 100000 [options]

${SYNTHETIC_REGION_USAGE}
  --format ndjson|json     one object per line (default), or one JSON array
  --out FILE               write to FILE with a progress bar on stderr (default: stdout)
  -h, --help               this text`;

// Bytes gathered before each write: large writes are cheap, and memory stays bounded.
const WRITE_BYTES = 1 << 20;

runCli('generate', USAGE, { ...SYNTHETIC_REGION_OPTIONS, format: { type: 'string' }, out: { type: 'string' } }, async ({ values, fail }) => {
  const parsed = syntheticRegionArgs(values);
  if (!parsed.ok) return fail(parsed.message);
  const format = stringArg(values, 'format') ?? 'ndjson';
  if (format !== 'ndjson' && format !== 'json') return fail(`--format must be ndjson or json, got "${format}"`);
  const file = stringArg(values, 'out');
  const generator = createStudyGenerator(parsed.options);
  const progress = file ? createProgressReporter({ label: `generate ${parsed.options.regionCode}`, total: generator.studyCount, unit: 'studies' }) : null;
  let written = 0;
  function* text(): Generator<string> {
    let buffer = format === 'json' ? '[\n' : '';
    for (const study of generator.studies()) {
      const json = JSON.stringify(toDicomJson(study));
      buffer += format === 'json' ? (written === 0 ? json : `,\n${json}`) : `${json}\n`;
      written++;
      if (buffer.length >= WRITE_BYTES) {
        yield buffer;
        buffer = '';
        progress?.update({ position: written, read: written });
      }
    }
    if (format === 'json') buffer += written === 0 ? ']\n' : '\n]\n';
    yield buffer;
  }
  const started = performance.now();
  try {
    // pipeline handles backpressure and closes the file; stdout is left open for the runtime.
    await pipeline(Readable.from(text(), { objectMode: false }), file ? fs.createWriteStream(file) : process.stdout, { end: Boolean(file) });
  } catch (err) {
    // A reader that goes away early (| head) is not a failure of ours.
    if ((err as NodeJS.ErrnoException).code === 'EPIPE') return 0;
    process.stderr.write(`cannot write ${file ?? 'stdout'}: ${(err as Error).message}\n`);
    return 1;
  } finally {
    progress?.update({ position: written, read: written });
    progress?.stop();
  }
  const seconds = (performance.now() - started) / 1000;
  if (file) process.stderr.write(`wrote ${written} studies to ${file} in ${seconds.toFixed(1)} s (${Math.round(written / seconds)} studies/s)\n`);
  return 0;
});
