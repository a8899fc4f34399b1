import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Pool } from 'pg';
import { ensureDatabase, withDatabase } from '../lib/db/createPool';
import { migrate } from '../lib/db/migrate';
import { startEmbeddedPostgres } from '../lib/db/startEmbeddedPostgres';
import { createLogger } from '../lib/logger';
import { MembershipPublisher } from '../subgraphs/region/membership/MembershipPublisher';
import { parseSyncConfig } from '../subgraphs/region/sync/readSyncConfig';
import type { PassReport } from '../subgraphs/region/sync/runSyncPass';
import { runSyncOnce } from '../subgraphs/region/sync/startSync';
import { generateStudy } from '../subgraphs/region/synthetic/generateStudy';
import { startOrthanc, type RunningOrthanc } from '../test/support/startOrthanc';
import { dicomDumps } from '../test/support/writeDicomFile';
import { ROOT } from './benchProcess';

const run = promisify(execFile);
const SEED = 20261129;
const WRITERS = 4;

/** Fills Orthanc up to `studies` studies (one series, one instance each), written by dump2dcm from the generator. */
async function fill(orthanc: RunningOrthanc, studies: number): Promise<void> {
  const stats = (await (await fetch(`${orthanc.url}/statistics`)).json()) as { CountStudies: number };
  if (stats.CountStudies >= studies) return;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sync-bench-'));
  const options = { seed: SEED, regionCode: 'SYB', regionCodes: ['SYB'], studyCount: studies };
  let next = stats.CountStudies;
  const started = performance.now();
  const worker = async () => {
    for (let i = next++; i < studies; i = next++) {
      const study = generateStudy(options, i);
      const one = { ...study, series: study.series?.slice(0, 1) ?? [] };
      const [dump] = dicomDumps(one, { placement: 'otherPatientIdsSequence-NHS' });
      const dumpFile = path.join(dir, `${i}.dump`);
      const out = path.join(dir, `${i}.dcm`);
      fs.writeFileSync(dumpFile, dump!);
      await run('dump2dcm', ['--quiet', dumpFile, out]);
      await orthanc.upload(fs.readFileSync(out));
      fs.rmSync(dumpFile);
      fs.rmSync(out);
      if (i % 1000 === 0) process.stderr.write(`sync bench: ${i.toLocaleString('en-GB')} studies in Orthanc\n`);
    }
  };
  try {
    await Promise.all(Array.from({ length: WRITERS }, worker));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  process.stderr.write(`sync bench: filled Orthanc in ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
}

/**
 * `npm run bench -- --sync [--studies N]`: sync throughput from a real Orthanc (Debian's,
 * with its DICOMweb plugin) into an empty region database, in studies per second: a first
 * full pass (every study fetched: QIDO-RS page, series query, one instance's metadata) and a
 * second pass with nothing changed (listing and fingerprints only). Orthanc's storage is kept
 * in .data/bench-orthanc, so only the first run writes the DICOM files.
 */
export async function runSyncBench(studies: number): Promise<void> {
  // A throw-away cluster: the sync writes into an empty region database every run anyway.
  const embedded = process.env.DATABASE_URL ? null : await startEmbeddedPostgres();
  const adminUrl = process.env.DATABASE_URL ?? embedded!.url;
  const orthanc = await startOrthanc({ storageDir: path.join(ROOT, '.data', 'bench-orthanc') });
  const database = `bench_sync_${Date.now()}`;
  let pool: Pool | null = null;
  try {
    await fill(orthanc, studies);
    await ensureDatabase(adminUrl, database);
    pool = new Pool({ connectionString: withDatabase(adminUrl, database), max: 4 });
    await migrate(pool, 'region');
    const parsed = parseSyncConfig({ archives: [{ name: 'bench-orthanc', dicomweb: orthanc.dicomwebUrl, pageSize: 500 }] });
    if (!parsed.ok) throw new Error(parsed.message);
    const logger = createLogger('sync-bench', 'warn');
    // No gateway: each pass that adds studies waits one short lease, as a region without GATEWAY_URL does.
    const publisher = new MembershipPublisher({ pool, logger, region: 'SYB', secret: '', gatewayUrl: null, leaseMs: 100 });
    const pass = async (): Promise<PassReport> => (await runSyncOnce({ config: parsed.config, pool: pool!, logger, publisher }))[0]!;
    const first = await pass();
    const second = await pass();
    const rate = (r: PassReport) => Math.round(r.seen / r.seconds);
    const results = { at: new Date().toISOString(), studies, cpus: os.cpus().length, node: process.version, firstPass: { ...first, studiesPerSecond: rate(first) }, unchangedPass: { ...second, studiesPerSecond: rate(second) } };
    fs.writeFileSync(path.join(ROOT, 'bench', 'results', 'sync-latest.json'), `${JSON.stringify(results, null, 2)}\n`);
    process.stdout.write(
      `| pass | studies | seconds | studies/s |\n| --- | --- | --- | --- |\n` +
        `| first (everything fetched) | ${first.seen} | ${first.seconds} | ${rate(first)} |\n` +
        `| again (nothing changed) | ${second.seen} | ${second.seconds} | ${rate(second)} |\n`,
    );
  } finally {
    await pool?.end();
    const admin = new Pool({ connectionString: adminUrl, max: 1 });
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
    await orthanc.stop();
    await embedded?.stop();
  }
}
