import { request } from 'undici';
import { queryHeaders, type Addressee } from './benchAuth';
import type { BenchProcess } from './benchProcess';
import type { BenchConfig } from './parseBenchFlags';
import { runClosedLoop, type LoadResult } from './runClosedLoop';
import { cpuSnapshot } from './stackCpu';
import { FULL_HISTORY } from './workload';

export interface MeasureSpec {
  url: string;
  to: Addressee;
  /** The process whose CPU is charged per request (the gateway, or the region for direct calls). */
  server: BenchProcess;
  /** Region processes behind a gateway, whose CPU is charged per request too. */
  regions?: readonly BenchProcess[];
  concurrency: number;
  nextBody: () => string;
  /** Defaults from the config. */
  durationMs?: number;
  warmupMs?: number;
  /** Around the measured run only (after warm-up), e.g. to start and stop a profiler. */
  beforeMeasuring?: () => Promise<void>;
  afterMeasuring?: () => Promise<void>;
}

export interface Measured extends LoadResult {
  serverCpuMsPerRequest: number | null;
  /** Summed over the region processes behind a gateway; null for direct region calls. */
  regionsCpuMsPerRequest: number | null;
  /** The whole benchmark stack: gateway, regions, PostgreSQL and the load generator. */
  stackCpuMsPerRequest: number;
  /** Every process on the machine; above the stack's figure when something else was running. */
  machineCpuMsPerRequest: number | null;
  /** Share of the machine's busy CPU used by processes outside the bench during the run. */
  otherCpuShare: number | null;
  /** Measured runs made (more than 1 when the machine was busy with other work). */
  attempts: number;
  /** The measured run on CLOCK_MONOTONIC in microseconds (the clock of V8 CPU profiles). */
  window: { fromUs: number; toUs: number };
}

const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

const warmed = new WeakSet<BenchProcess>();

/** CPU seconds of several processes together; null if any cannot be read. */
export function sumCpu(procs: readonly BenchProcess[]): number | null {
  let total = 0;
  for (const p of procs) {
    const cpu = p.cpuSeconds();
    if (cpu === null) return null;
    total += cpu;
  }
  return total;
}

/** Above this share of the machine's busy CPU used by other processes, a run is repeated. */
const NOISY_SHARE = 0.15;

/**
 * Warm-up (unmeasured), then a bounded measured run, charging the server process's
 * CPU time (utime + stime from /proc) over the measured run to the requests it completed.
 * When other processes on the machine took more than 15% of its busy CPU meanwhile, the
 * run is repeated (up to `config.maxAttempts` in all) and the quietest attempt is kept.
 */
export async function measureTarget(config: BenchConfig, spec: MeasureSpec): Promise<Measured> {
  const base = { url: spec.url, to: spec.to, concurrency: spec.concurrency, nextBody: spec.nextBody, maxRequests: config.maxRequestsPerRun };
  // A fresh process gets a longer warm-up: V8 needs a few thousand requests to optimise the hot paths.
  const first = !warmed.has(spec.server);
  warmed.add(spec.server);
  const warmupMs = spec.warmupMs ?? (first ? config.firstWarmupSeconds : config.warmupSeconds) * 1000;
  if (warmupMs > 0) await runClosedLoop({ ...base, concurrency: first ? Math.max(spec.concurrency, 4) : spec.concurrency, durationMs: warmupMs });
  const regions = spec.regions ?? [];
  // A profiled run is never repeated: the profiler is started and stopped once.
  const attempts = spec.beforeMeasuring || spec.afterMeasuring ? 1 : config.maxAttempts;
  let best: Measured | null = null;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    spec.server.assertAlive();
    await spec.beforeMeasuring?.();
    const before = { server: spec.server.cpuSeconds(), regions: sumCpu(regions), all: cpuSnapshot(), us: monotonicUs() };
    const result = await runClosedLoop({ ...base, durationMs: spec.durationMs ?? config.durationSeconds * 1000 });
    const after = { server: spec.server.cpuSeconds(), regions: sumCpu(regions), all: cpuSnapshot(), us: monotonicUs() };
    await spec.afterMeasuring?.();
    spec.server.assertAlive();
    const perRequest = (a: number | null, b: number | null) => (a !== null && b !== null && result.requests > 0 ? ((b - a) * 1000) / result.requests : null);
    const stack = after.all.stack - before.all.stack;
    const machine = before.all.machine !== null && after.all.machine !== null ? after.all.machine - before.all.machine : null;
    const measured: Measured = {
      ...result,
      serverCpuMsPerRequest: perRequest(before.server, after.server),
      regionsCpuMsPerRequest: regions.length > 0 ? perRequest(before.regions, after.regions) : null,
      stackCpuMsPerRequest: perRequest(before.all.stack, after.all.stack) ?? 0,
      machineCpuMsPerRequest: perRequest(before.all.machine, after.all.machine),
      otherCpuShare: machine !== null && machine > 0 ? Math.max(0, (machine - stack) / machine) : null,
      attempts: attempt,
      window: { fromUs: before.us, toUs: after.us },
    };
    if (!best || (measured.otherCpuShare ?? 0) < (best.otherCpuShare ?? 0)) best = measured;
    best.attempts = attempt;
    if ((measured.otherCpuShare ?? 0) <= NOISY_SHARE) break;
    if (attempt < attempts) process.stderr.write(`    (other processes took ${Math.round(100 * (measured.otherCpuShare ?? 0))}% of the CPU: measuring again)\n`);
  }
  return best!;
}

/** Studies in one patient's full history as a target answers it (null on errors), for cross-checking targets. */
export async function countStudies(url: string, to: Addressee, nhs: string): Promise<number | null> {
  const body = JSON.stringify({ query: FULL_HISTORY, variables: { nhs }, operationName: 'FullHistory' });
  try {
    const res = await request(url, { method: 'POST', headers: queryHeaders(to, body), body });
    const answer = (await res.body.json()) as { data?: { patient?: { imagingHistory?: { studies?: unknown[] } } }; errors?: unknown[] };
    if (answer.errors) return null;
    return answer.data?.patient?.imagingHistory?.studies?.length ?? null;
  } catch {
    return null;
  }
}

/** One line per finished run, so progress is visible while the bench works. */
export function logRun(label: string, concurrency: number, r: Measured): void {
  const f = (v: number) => v.toFixed(2);
  process.stderr.write(
    `  ${label.padEnd(44)} c=${String(concurrency).padStart(2)}  ${r.throughput.toFixed(0).padStart(6)} req/s  p50 ${f(r.latencyMs.p50)}  p95 ${f(r.latencyMs.p95)}  p99 ${f(r.latencyMs.p99)} ms` +
      `  cpu ms/req: server ${r.serverCpuMsPerRequest === null ? '-' : f(r.serverCpuMsPerRequest)}` +
      `${r.regionsCpuMsPerRequest === null ? '' : ` regions ${f(r.regionsCpuMsPerRequest)}`} stack ${f(r.stackCpuMsPerRequest)}  other load ${r.otherCpuShare === null ? '-' : `${Math.round(100 * r.otherCpuShare)}%`}  errors ${r.errors}/${r.requests}\n`,
  );
  for (const sample of r.errorSamples) process.stderr.write(`    error: ${sample}\n`);
}
