import { createHash } from 'node:crypto';
import { Pool } from 'pg';
import { ensureDatabase, withDatabase } from '../lib/db/createPool';
import { migrate } from '../lib/db/migrate';
import { DEFAULT_CONNECTIONS, loadStudies, type LoadSummary } from '../subgraphs/region/bulk/loadStudies';
import { STUDY_COLUMNS } from '../subgraphs/region/db/studyWrites';
import { createStudyGenerator } from '../subgraphs/region/synthetic/createStudyGenerator';
import type { StudyRecord } from '../subgraphs/region/StudyRecord';
import { createLoadProgress } from './createLoadProgress';
import { cpuSnapshot } from './stackCpu';
import type { PopulationSpec } from './workload';

/** Bump to force every bench database to be reloaded. */
const BENCH_DATA_FORMAT = 1;
const FINGERPRINT_SAMPLES = 32;

/** One database of generated studies: one region's, or several regions' in one (centralised). */
export interface DatasetSpec {
  database: string;
  label: string;
  population: PopulationSpec;
  parts: readonly { regionCode: string; studyCount: number }[];
}

export interface PreparedDataset {
  spec: DatasetSpec;
  databaseUrl: string;
  studies: number;
  reused: boolean;
  /** The load done by this run, or null when the data was reused. */
  load: LoadSummary | null;
  /** The load that produced the data, from the metadata table (this run's or an earlier one). */
  recordedLoad: LoadSummary | null;
}

function populationTag(population: PopulationSpec): string {
  return createHash('sha256')
    .update(JSON.stringify({ seed: population.seed, regionCodes: [...population.regionCodes].sort() }))
    .digest('hex')
    .slice(0, 8);
}

/** One region's data. Databases are named by what they hold, so different sizes and populations coexist. */
export function regionDataset(population: PopulationSpec, regionCode: string, studyCount: number): DatasetSpec {
  return {
    database: `bench_${populationTag(population)}_${regionCode.toLowerCase()}_${studyCount}`,
    label: `${regionCode} ${studyCount.toLocaleString('en-GB')}`,
    population,
    parts: [{ regionCode, studyCount }],
  };
}

/** Every region's rows in one database: the centralised baseline. */
export function centralDataset(population: PopulationSpec, studiesPerRegion: number): DatasetSpec {
  return {
    database: `bench_${populationTag(population)}_central_${studiesPerRegion}`,
    label: `central ${population.regionCodes.length}x${studiesPerRegion.toLocaleString('en-GB')}`,
    population,
    parts: population.regionCodes.map((regionCode) => ({ regionCode, studyCount: studiesPerRegion })),
  };
}

/** What the data is: population, regions and sizes. */
function descriptor(spec: DatasetSpec): string {
  return JSON.stringify({ format: BENCH_DATA_FORMAT, seed: spec.population.seed, regionCodes: [...spec.population.regionCodes].sort(), parts: spec.parts });
}

/**
 * The generator's "version" as observed: a hash of sample studies it produces for this
 * dataset and of the stored columns. Any change in what the generator or the loader's
 * column mapping would produce changes it, while edits that change nothing do not.
 */
function fingerprint(spec: DatasetSpec): string {
  const hash = createHash('sha256').update(JSON.stringify(STUDY_COLUMNS));
  for (const part of spec.parts) {
    if (part.studyCount === 0) continue;
    const generator = createStudyGenerator({ seed: spec.population.seed, regionCodes: spec.population.regionCodes, regionCode: part.regionCode, studyCount: part.studyCount });
    for (let k = 0; k < FINGERPRINT_SAMPLES; k++) {
      hash.update(JSON.stringify(generator.study(Math.floor((k * (part.studyCount - 1)) / (FINGERPRINT_SAMPLES - 1)))));
    }
  }
  return hash.digest('hex');
}

function* allStudies(spec: DatasetSpec): Generator<StudyRecord> {
  for (const part of spec.parts) {
    yield* createStudyGenerator({ seed: spec.population.seed, regionCodes: spec.population.regionCodes, regionCode: part.regionCode, studyCount: part.studyCount }).studies();
  }
}

const META_DDL = `CREATE TABLE IF NOT EXISTS bench_dataset (
  id int PRIMARY KEY CHECK (id = 1), descriptor text NOT NULL, fingerprint text NOT NULL,
  load_summary jsonb, loaded_at timestamptz NOT NULL DEFAULT now())`;

interface MetaRow {
  descriptor: string;
  fingerprint: string;
  load_summary: LoadSummary | null;
}

function openPool(url: string): Pool {
  const pool = new Pool({ connectionString: url, max: DEFAULT_CONNECTIONS + 1 });
  pool.on('error', () => undefined);
  return pool;
}

/**
 * Makes sure each database holds exactly its dataset: reused when its metadata (descriptor,
 * generator fingerprint) and row count match, otherwise emptied and loaded with the project's
 * generator and bulk loader, one dataset after another (each load already keeps both cores busy).
 */
export async function prepareDatasets(adminUrl: string, specs: readonly DatasetSpec[]): Promise<PreparedDataset[]> {
  const plans: Array<{ spec: DatasetSpec; url: string; pool: Pool; total: number; fp: string; meta: MetaRow | null; reuse: boolean }> = [];
  try {
    for (const spec of specs) {
      await ensureDatabase(adminUrl, spec.database);
      const url = withDatabase(adminUrl, spec.database);
      const pool = openPool(url);
      plans.push({ spec, url, pool, total: 0, fp: '', meta: null, reuse: false });
      const plan = plans[plans.length - 1]!;
      await migrate(pool, 'region');
      await pool.query(META_DDL);
      plan.total = spec.parts.reduce((sum, p) => sum + p.studyCount, 0);
      plan.fp = fingerprint(spec);
      plan.meta = (await pool.query<MetaRow>('SELECT descriptor, fingerprint, load_summary FROM bench_dataset WHERE id = 1')).rows[0] ?? null;
      if (plan.meta && plan.meta.descriptor === descriptor(spec) && plan.meta.fingerprint === plan.fp) {
        const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM study');
        plan.reuse = rows[0]?.n === plan.total;
      }
    }
    const toLoad = plans.filter((p) => !p.reuse);
    for (const p of plans.filter((x) => x.reuse)) process.stderr.write(`data: ${p.spec.label} (${p.spec.database}) reused\n`);
    const out = new Map<DatasetSpec, PreparedDataset>();
    if (toLoad.length > 0) {
      const progress = createLoadProgress(toLoad.map((p) => ({ label: p.spec.label, total: p.total })));
      try {
        for (const [i, plan] of toLoad.entries()) {
          await plan.pool.query('DELETE FROM bench_dataset');
          await plan.pool.query('TRUNCATE study CASCADE');
          const summary = await loadStudies(plan.pool, allStudies(plan.spec), { onProgress: (c) => progress.update(i, c.read) });
          progress.done(i, summary.studiesPerSecond);
          // Fresh statistics and visibility map, as a region's nightly maintenance would leave them.
          await plan.pool.query('VACUUM ANALYZE study');
          await plan.pool.query('VACUUM ANALYZE series');
          await plan.pool.query('INSERT INTO bench_dataset (id, descriptor, fingerprint, load_summary) VALUES (1, $1, $2, $3)', [descriptor(plan.spec), plan.fp, JSON.stringify(summary)]);
          out.set(plan.spec, { spec: plan.spec, databaseUrl: plan.url, studies: plan.total, reused: false, load: summary, recordedLoad: summary });
        }
      } finally {
        progress.stop();
      }
    }
    return plans.map(
      (p) => out.get(p.spec) ?? { spec: p.spec, databaseUrl: p.url, studies: p.total, reused: true, load: null, recordedLoad: p.meta?.load_summary ?? null },
    );
  } finally {
    await Promise.all(plans.map((p) => p.pool.end().catch(() => undefined)));
  }
}

/**
 * Bulk-ingest throughput on its own: a fresh, empty regional database, `studyCount`
 * generated studies loaded with loadStudies' defaults, then the database is dropped.
 */
/** A load's summary plus where its CPU went. */
export interface IngestMeasurement extends LoadSummary {
  /** CPU of this process (generator, COPY encoding, loader). */
  loaderCpuSeconds: number;
  /** CPU of PostgreSQL and every bench process over the load (the loader included). */
  stackCpuSeconds: number;
  /** CPU of the whole machine over the load; above the stack's when something else was running. */
  machineCpuSeconds: number | null;
}

/**
 * Lanes (connections) of the measured ingest. Three, not the loader's default of two: with
 * two, PostgreSQL's backends wait on WAL flushes in turn and the machine's two cores are not
 * both busy (22,100 studies/s against 23,000 with three, same run conditions).
 */
const INGEST_CONNECTIONS = 3;

export async function measureIngest(adminUrl: string, population: PopulationSpec, regionCode: string, studyCount: number): Promise<IngestMeasurement> {
  const database = 'bench_ingest_scratch';
  const admin = openPool(adminUrl);
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await ensureDatabase(adminUrl, database);
    const pool = openPool(withDatabase(adminUrl, database));
    const progress = createLoadProgress([{ label: `ingest ${studyCount.toLocaleString('en-GB')}`, total: studyCount }]);
    try {
      await migrate(pool, 'region');
      const generator = createStudyGenerator({ seed: population.seed, regionCodes: population.regionCodes, regionCode, studyCount });
      generator.study(0); // builds the population outside the measurement
      const cpuBefore = process.cpuUsage();
      const before = cpuSnapshot();
      const summary = await loadStudies(pool, generator.studies(), { onProgress: (c) => progress.update(0, c.read), connections: INGEST_CONNECTIONS });
      const cpu = process.cpuUsage(cpuBefore);
      const after = cpuSnapshot();
      progress.done(0, summary.studiesPerSecond);
      return {
        ...summary,
        loaderCpuSeconds: (cpu.user + cpu.system) / 1e6,
        stackCpuSeconds: after.stack - before.stack,
        machineCpuSeconds: before.machine !== null && after.machine !== null ? after.machine - before.machine : null,
      };
    } finally {
      progress.stop();
      await pool.end();
    }
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
  }
}
