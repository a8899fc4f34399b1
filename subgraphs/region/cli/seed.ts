import { createPool } from '../../../lib/db/createPool';
import { migrate } from '../../../lib/db/migrate';
import { createLogger } from '../../../lib/logger';
import { createProgressReporter } from '../bulk/createProgressReporter';
import { seedRegion } from '../synthetic/seedRegion';
import { LOAD_TARGET_OPTIONS, LOAD_TARGET_USAGE, loadTargetArgs, NO_DATABASE_URL } from './loadTargetArgs';
import { runCli } from './runCli';
import { publishAfterLoad } from '../membership/publishAfterLoad';
import { SYNTHETIC_REGION_OPTIONS, SYNTHETIC_REGION_USAGE, syntheticRegionArgs } from './syntheticRegionArgs';

const USAGE = `Generates a synthetic region and loads it straight into the regional index at DATABASE_URL.

Usage: DATABASE_URL=postgres://... tsx subgraphs/region/cli/seed.ts --region LDS --regions LDS,LON,MAN --studies 100000 [options]

${SYNTHETIC_REGION_USAGE}
${LOAD_TARGET_USAGE}
  -h, --help               this text

Seeding again with the same options changes nothing.`;

runCli('seed', USAGE, { ...SYNTHETIC_REGION_OPTIONS, ...LOAD_TARGET_OPTIONS }, async ({ values, fail }) => {
  const parsed = syntheticRegionArgs(values);
  if (!parsed.ok) return fail(parsed.message);
  const target = loadTargetArgs(values);
  if (!target.ok) return fail(target.message);
  const { url, chunkSize } = target;
  if (!url) return fail(NO_DATABASE_URL);

  const lanes = target.connections;
  const logger = createLogger('seed');
  const pool = createPool(url, logger, { max: lanes + 1, statement_timeout: 0, query_timeout: 0 });
  try {
    await migrate(pool, 'region');
    const progress = createProgressReporter({ label: `seed ${parsed.options.regionCode}`, total: parsed.options.studyCount, unit: 'studies' });
    const summary = await seedRegion(pool, parsed.options, {
      connections: lanes,
      ...(chunkSize !== undefined ? { chunkSize } : {}),
      onProgress: (c) => progress.update({ position: c.read, read: c.read, loaded: c.inserted + c.updated + c.unchanged }),
    });
    progress.stop();
    const membership = await publishAfterLoad(pool, logger);
    process.stdout.write(`${JSON.stringify({ ...summary, membership: membership.kind })}\n`);
    return 0;
  } finally {
    await pool.end();
  }
});
