import path from 'node:path';
import { createPool } from '../../../lib/db/createPool';
import { migrate } from '../../../lib/db/migrate';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../../lib/db/startEmbeddedPostgres';
import { createLogger } from '../../../lib/logger';
import { createProgressReporter } from '../bulk/createProgressReporter';
import { loadDicomJsonFile } from '../bulk/loadDicomJsonFile';
import { LOAD_TARGET_OPTIONS, LOAD_TARGET_USAGE, loadTargetArgs } from './loadTargetArgs';
import { stringArg, urlArg } from './parseCliArgs';
import { runCli } from './runCli';
import { publishAfterLoad } from '../membership/publishAfterLoad';

const USAGE = `Loads a DICOM JSON file (a QIDO-RS JSON array, or NDJSON) into the regional index.

Usage: DATABASE_URL=postgres://... tsx subgraphs/region/cli/bulkLoad.ts --file studies.ndjson [options]
       REGION_CODE=LDS tsx subgraphs/region/cli/bulkLoad.ts --file - < studies.ndjson

The database is DATABASE_URL, or, like the region itself, the embedded PostgreSQL in
DATA_DIR/region-<REGION_CODE> (default .data/region-<code>), while the region is not running.

  --file FILE              the file to load, or - for standard input (required)
  --format auto|json|ndjson  default auto: "[" first means a JSON array, else NDJSON
  --rejects FILE           refused records with reasons, NDJSON (default FILE.rejects.ndjson; written only if any)
  --viewer-base-url URL    viewer launch URL; each study's viewer link is URL?StudyInstanceUID=...
${LOAD_TARGET_USAGE}
  -h, --help               this text

Membership: with REGION_CODE, GATEWAY_SHARED_SECRET and GATEWAY_URL set as for the region,
the patients the load added are published to the national gateway before the summary is
printed; without them the command waits one LOCATOR_LEASE_MS (the gateway then learns of
them by polling the region).

Exit status: 0 when the load completed and stored at least one record, even if some were
refused (see the summary and the rejects file); 1 when it could not complete, or when it
stored nothing (every record refused, or no records); 2 for bad arguments.
Re-running is safe: unchanged studies are left alone, changed ones updated.`;

const OPTIONS = {
  file: { type: 'string' },
  format: { type: 'string' },
  rejects: { type: 'string' },
  'viewer-base-url': { type: 'string' },
  ...LOAD_TARGET_OPTIONS,
} as const;

runCli('bulk load', USAGE, OPTIONS, async ({ values, fail }) => {
  const file = stringArg(values, 'file');
  if (!file) return fail('--file is required');
  const format = stringArg(values, 'format') ?? 'auto';
  if (format !== 'auto' && format !== 'json' && format !== 'ndjson') return fail(`--format must be auto, json or ndjson, got "${format}"`);
  const viewer = urlArg(values, 'viewer-base-url');
  if (!viewer.ok) return fail(viewer.message);
  const target = loadTargetArgs(values);
  if (!target.ok) return fail(target.message);
  const { chunkSize } = target;
  const logger = createLogger('bulk-load');
  const lanes = target.connections;
  let url = target.url;
  let embedded: EmbeddedPostgres | null = null;
  if (!url) {
    // Like the region itself: its embedded database, which only one process can hold.
    const code = process.env.REGION_CODE?.trim().toLowerCase();
    if (!code) return fail('set DATABASE_URL to the region\'s PostgreSQL database, or REGION_CODE to load the region\'s embedded one (DATA_DIR/region-<code>)');
    const dataDir = path.resolve(process.env.DATA_DIR?.trim() || '.data', `region-${code}`);
    try {
      embedded = await startEmbeddedPostgres({ dataDir });
    } catch (err) {
      process.stderr.write(`cannot open the embedded database in ${dataDir} (${(err as Error).message}); if the region is running it holds it: stop it, or set DATABASE_URL\n`);
      return 1;
    }
    url = embedded.url;
  }
  const pool = createPool(url, logger, { max: lanes + 1, statement_timeout: 0, query_timeout: 0 });
  try {
    await migrate(pool, 'region');
    let progress: ReturnType<typeof createProgressReporter> | null = null;
    const result = await loadDicomJsonFile(pool, {
      file,
      format,
      ...(stringArg(values, 'rejects') !== undefined ? { rejectsPath: stringArg(values, 'rejects')! } : {}),
      ...(viewer.value !== undefined ? { viewerBaseUrl: viewer.value } : {}),
      ...(chunkSize !== undefined ? { chunkSize } : {}),
      connections: lanes,
      onProgress: (figures) => {
        progress ??= createProgressReporter({ label: 'bulk load', total: figures.total ?? 0, unit: 'bytes' });
        progress.update(figures);
      },
    });
    (progress as ReturnType<typeof createProgressReporter> | null)?.stop();
    if (!result.ok) {
      process.stderr.write(`${result.reason}\n`);
      return 1;
    }
    const membership = await publishAfterLoad(pool, logger);
    process.stdout.write(`${JSON.stringify({ ...result.summary, membership: membership.kind })}\n`);
    if (result.rejectsPath) process.stderr.write(`${result.summary.rejected} records refused; reasons in ${result.rejectsPath}\n`);
    const stored = result.summary.inserted + result.summary.updated + result.summary.unchanged;
    if (stored === 0) {
      process.stderr.write(`NOTHING WAS LOADED: ${result.summary.read} records read, ${result.summary.rejected} refused${result.rejectsPath ? ` (reasons in ${result.rejectsPath})` : ''}\n`);
      return 1;
    }
    return 0;
  } finally {
    await pool.end();
    await embedded?.stop();
  }
});
