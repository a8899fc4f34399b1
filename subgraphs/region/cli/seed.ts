import { createPool } from '../../../lib/db/createPool';
import { migrate } from '../../../lib/db/migrate';
import { createLogger } from '../../../lib/logger';
import { createProgressReporter } from '../bulk/createProgressReporter';
import { DEFAULT_CHUNK_SIZE, DEFAULT_CONNECTIONS } from '../bulk/loadStudies';
import { seedRegion } from '../synthetic/seedRegion';
import { integerArg } from './parseCliArgs';
import { runCli } from './runCli';
import { SYNTHETIC_REGION_OPTIONS, SYNTHETIC_REGION_USAGE, syntheticRegionArgs } from './syntheticRegionArgs';

const USAGE = `Generates a synthetic region and loads it straight into the regional index at DATABASE_URL.

Usage: DATABASE_URL=postgres://... tsx subgraphs/region/cli/seed.ts --region LDS --regions LDS,LON,MAN --studies 100000 [options]

${SYNTHETIC_REGION_USAGE}
  --chunk-size N           studies per transaction (default ${DEFAULT_CHUNK_SIZE})
  --connections N          parallel database connections (default ${DEFAULT_CONNECTIONS})
  -h, --help               this text

Seeding again with the same options changes nothing.`;

runCli('seed', USAGE, { ...SYNTHETIC_REGION_OPTIONS, 'chunk-size': { type: 'string' }, connections: { type: 'string' } }, async ({ values, fail }) => {
  const parsed = syntheticRegionArgs(values);
  if (!parsed.ok) return fail(parsed.message);
  const chunkSize = integerArg(values, 'chunk-size');
  if (!chunkSize.ok) return fail(chunkSize.message);
  const connections = integerArg(values, 'connections');
  if (!connections.ok) return fail(connections.message);
  if (chunkSize.value === 0 || connections.value === 0) return fail('--chunk-size and --connections must be at least 1');
  const url = process.env.DATABASE_URL;
  if (!url) return fail('DATABASE_URL is not set: point it at the region\'s PostgreSQL database');

  const lanes = connections.value ?? DEFAULT_CONNECTIONS;
  const pool = createPool(url, createLogger('seed'), { max: lanes + 1 });
  try {
    await migrate(pool, 'region');
    const progress = createProgressReporter({ label: `seed ${parsed.options.regionCode}`, total: parsed.options.studyCount, unit: 'studies' });
    const summary = await seedRegion(pool, parsed.options, {
      connections: lanes,
      ...(chunkSize.value !== undefined ? { chunkSize: chunkSize.value } : {}),
      onProgress: (c) => progress.update({ position: c.read, read: c.read, loaded: c.inserted + c.updated + c.unchanged }),
    });
    progress.stop();
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    return 0;
  } finally {
    await pool.end();
  }
});
