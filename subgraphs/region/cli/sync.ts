import pino from 'pino';
import { createPool } from '../../../lib/db/createPool';
import { migrate } from '../../../lib/db/migrate';
import { NHS_NUMBER_PLACEMENTS } from '../bulk/NhsNumberPlacement';
import { publishAfterLoad } from '../membership/publishAfterLoad';
import { parseSyncConfig, readSyncConfigFile } from '../sync/readSyncConfig';
import type { PassReport } from '../sync/runSyncPass';
import { runSyncOnce, startSync } from '../sync/startSync';
import { stringArg } from './parseCliArgs';
import { runCli } from './runCli';

const USAGE = `Keeps the region's index in step with its DICOMweb archives.

Usage: REGION_CODE=LDS DATABASE_URL=postgres://... npm run sync -- --dicomweb URL [options]
       REGION_CODE=LDS DATABASE_URL=postgres://... npm run sync -- --config sync.json [options]

  --dicomweb URL            one archive's DICOMweb base (QIDO-RS/WADO-RS), e.g. http://pacs:8042/dicom-web
  --public-base URL         public DICOMweb base for retrieve links (replaces the archive's RetrieveURL)
  --viewer-url-template T   viewer link, {studyInstanceUid} replaced by the study's UID
  --change-feed orthanc|none  orthanc: follow Orthanc's /changes (default none: poll the listing)
  --nhs-number-placements L comma list of ${NHS_NUMBER_PLACEMENTS.join(', ')}
  --config FILE             several archives, each with its own settings (see README)
  --once                    one full pass (with reconciliation of deletions) per archive, then exit
  --confirm-removals        let reconciliation remove more than the archive's maxRemoveShare
  -h, --help                this text

Membership: with GATEWAY_SHARED_SECRET and GATEWAY_URL set as for the region, patients a
pass added are published to the national gateway before its line is printed; without them
the pass waits one LOCATOR_LEASE_MS (the gateway learns of them by polling the region).

Each pass prints one JSON line on stdout: {"event":"sync-pass","archive":...,"seen":...,
"upserted":...,"unchanged":...,"quarantined":...,"removed":...,"errors":...}. Logs go to stderr.
Exit status with --once: 0 every pass completed (quarantined studies included); 1 an archive
could not be read completely (nothing was removed for it); 3 removals wait for
--confirm-removals; 2 bad arguments or configuration.`;

const NO_DATABASE = `DATABASE_URL is not set. The sync writes into the region's PostgreSQL index, so it needs
DATABASE_URL=postgres://... pointing at the same database as the region (REGION_CODE=... too).
A region started without DATABASE_URL runs an embedded PostgreSQL on a random port holding a
lock, which no second process can share: for that set-up run the sync inside the region
instead, with SYNC_CONFIG=<config file> in the region's environment.`;

const OPTIONS = {
  dicomweb: { type: 'string' },
  'public-base': { type: 'string' },
  'viewer-url-template': { type: 'string' },
  'change-feed': { type: 'string' },
  'nhs-number-placements': { type: 'string' },
  config: { type: 'string' },
  once: { type: 'boolean' },
  'confirm-removals': { type: 'boolean' },
} as const;

runCli('sync', USAGE, OPTIONS, async ({ values, fail }) => {
  const file = stringArg(values, 'config');
  const dicomweb = stringArg(values, 'dicomweb');
  if ((file === undefined) === (dicomweb === undefined)) return fail('give either --dicomweb URL or --config FILE');
  const config = file
    ? readSyncConfigFile(file)
    : parseSyncConfig({
        archives: [{
          dicomweb,
          publicBase: stringArg(values, 'public-base'),
          viewerUrlTemplate: stringArg(values, 'viewer-url-template'),
          changeFeed: stringArg(values, 'change-feed'),
          nhsNumberPlacements: stringArg(values, 'nhs-number-placements')?.split(',').map((p) => p.trim()),
        }],
      });
  if (!config.ok) return fail(config.message);
  const region = process.env.REGION_CODE?.trim();
  if (!region) return fail('REGION_CODE is not set: the sync feeds one region, named as the region names itself');
  const url = process.env.DATABASE_URL?.trim();
  if (!url) {
    process.stderr.write(`${NO_DATABASE}\n`);
    return 2;
  }
  // Logs to stderr: stdout carries only the sync-pass lines.
  const logger = pino({ name: 'sync', level: process.env.LOG_LEVEL ?? 'info', base: { service: `sync-${region.toLowerCase()}` } }, pino.destination(2));
  const pool = createPool(url, logger, { max: 4 });
  const print = (report: PassReport) => process.stdout.write(`${JSON.stringify(report)}\n`);
  // Configured like the region (REGION_CODE, GATEWAY_SHARED_SECRET, GATEWAY_URL, LOCATOR_LEASE_MS):
  // without them a pass that added studies waits one lease instead of publishing.
  const publisher = { publish: () => publishAfterLoad(pool, logger) };
  const options = { config: config.config, pool, logger, publisher, confirmRemovals: values['confirm-removals'] === true, onPass: print };
  try {
    await migrate(pool, 'region');
    if (values.once) {
      const reports = await runSyncOnce(options);
      if (reports.some((r) => !r.completed && r.reconciliation !== 'held')) return 1;
      return reports.some((r) => r.reconciliation === 'held') ? 3 : 0;
    }
    const running = startSync(options);
    await new Promise<void>((resolve) => {
      process.once('SIGTERM', resolve);
      process.once('SIGINT', resolve);
    });
    await running.stop();
    return 0;
  } finally {
    await pool.end();
  }
});
