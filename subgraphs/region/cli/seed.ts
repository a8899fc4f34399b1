import { createPool } from '../../../lib/db/createPool';
import { migrate } from '../../../lib/db/migrate';
import { createLogger } from '../../../lib/logger';
import { createProgressReporter } from '../bulk/createProgressReporter';
import { DEFAULT_CHUNK_SIZE, DEFAULT_CONNECTIONS } from '../bulk/loadStudies';
import { seedRegion } from '../synthetic/seedRegion';
import { publishAfterLoad } from '../membership/publishAfterLoad';
import { integerArg, parseCliArgs } from './parseCliArgs';
import { SYNTHETIC_REGION_OPTIONS, SYNTHETIC_REGION_USAGE, syntheticRegionArgs } from './syntheticRegionArgs';

const USAGE = `Generates a synthetic region and loads it straight into the regional index at DATABASE_URL.

Usage: DATABASE_URL=postgres://... tsx subgraphs/region/cli/seed.ts --region LDS --regions LDS,LON,MAN --studies 100000 [options]

${SYNTHETIC_REGION_USAGE}
  --chunk-size N           studies per transaction (default ${DEFAULT_CHUNK_SIZE})
  --connections N          parallel database connections (default ${DEFAULT_CONNECTIONS})
  -h, --help               this text

Seeding again with the same options changes nothing.`;

async function main(argv: string[]): Promise<number> {
  const args = parseCliArgs(argv, {
    ...SYNTHETIC_REGION_OPTIONS,
    'chunk-size': { type: 'string' },
    connections: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (args.ok && args.values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const fail = (message: string) => {
    process.stderr.write(`${message}\n\n${USAGE}\n`);
    return 2;
  };
  if (!args.ok) return fail(args.message);
  const parsed = syntheticRegionArgs(args.values);
  if (!parsed.ok) return fail(parsed.message);
  const chunkSize = integerArg(args.values, 'chunk-size');
  if (!chunkSize.ok) return fail(chunkSize.message);
  const connections = integerArg(args.values, 'connections');
  if (!connections.ok) return fail(connections.message);
  if (chunkSize.value === 0 || connections.value === 0) return fail('--chunk-size and --connections must be at least 1');
  const url = process.env.DATABASE_URL;
  if (!url) return fail('DATABASE_URL is not set: point it at the region\'s PostgreSQL database');

  const lanes = connections.value ?? DEFAULT_CONNECTIONS;
  const logger = createLogger('seed');
  const pool = createPool(url, logger, { max: lanes + 1 });
  try {
    await migrate(pool, 'region');
    const progress = createProgressReporter({ label: `seed ${parsed.options.regionCode}`, total: parsed.options.studyCount, unit: 'studies' });
    const summary = await seedRegion(pool, parsed.options, {
      connections: lanes,
      ...(chunkSize.value !== undefined ? { chunkSize: chunkSize.value } : {}),
      onProgress: (c) => progress.update({ position: c.read, read: c.read, loaded: c.inserted + c.updated + c.unchanged }),
    });
    progress.stop();
    const membership = await publishAfterLoad(pool, logger);
    process.stdout.write(`${JSON.stringify({ ...summary, membership: membership.kind })}\n`);
    return 0;
  } finally {
    await pool.end();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`seed failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
