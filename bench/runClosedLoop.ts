import { Pool } from 'undici';
import { queryHeaders, type Addressee } from './benchAuth';

/** One measured run against one URL. */
export interface LoadSpec {
  url: string;
  to: Addressee;
  /** Requests in flight at any time (closed loop: each worker sends its next request when the last one answers). */
  concurrency: number;
  /** Measured phase; ends at this duration or at maxRequests, whichever comes first. */
  durationMs: number;
  maxRequests: number;
  /** The body of the next request; called once per request. */
  nextBody: () => string;
}

export interface LatencySummary {
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

export interface LoadResult {
  requests: number;
  /** Non-200 answers, GraphQL errors in the answer, and transport failures. */
  errors: number;
  errorSamples: string[];
  seconds: number;
  throughput: number;
  /** Milliseconds, measured per request with performance.now(), every request kept (exact percentiles). */
  latencyMs: LatencySummary;
}

/** Exact percentile (nearest rank) of ascending samples. */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export function summarise(samples: Float64Array): LatencySummary {
  const sorted = Float64Array.from(samples).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.length > 0 ? sorted[sorted.length - 1]! : Number.NaN,
    mean: sorted.length > 0 ? sum / sorted.length : Number.NaN,
  };
}

class Samples {
  private data = new Float64Array(16_384);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = v;
  }
  values(): Float64Array {
    return this.data.subarray(0, this.length);
  }
}

interface Tally {
  samples: Samples;
  errors: number;
  errorSamples: string[];
  sent: number;
}

async function loop(pool: Pool, spec: LoadSpec, path: string, until: number, max: number, out: Tally): Promise<void> {
  const worker = async () => {
    while (performance.now() < until && out.sent < max) {
      out.sent++;
      const body = spec.nextBody();
      const headers = queryHeaders(spec.to, body);
      const started = performance.now();
      let ok = false;
      let problem = '';
      try {
        const res = await pool.request({ path, method: 'POST', headers, body, headersTimeout: 30_000, bodyTimeout: 30_000 });
        const text = await res.body.text();
        // Cheap check: a GraphQL error list always serialises as "errors":[ ... ].
        ok = res.statusCode === 200 && !text.includes('"errors":');
        if (!ok) problem = `HTTP ${res.statusCode}: ${text.slice(0, 300)}`;
      } catch (err) {
        problem = `${(err as Error).name}: ${(err as Error).message}`;
      }
      out.samples.push(performance.now() - started);
      if (!ok) {
        out.errors++;
        if (out.errorSamples.length < 3) out.errorSamples.push(problem);
      }
    }
  };
  await Promise.all(Array.from({ length: spec.concurrency }, worker));
}

/**
 * A small closed-loop load generator on undici: `concurrency` workers over as many
 * keep-alive connections, a different body for every request, latency of every request
 * kept. autocannon was the alternative, but its histogram keeps whole milliseconds and
 * reports no p95, while region lookups take one or two milliseconds.
 */
export async function runClosedLoop(spec: LoadSpec): Promise<LoadResult> {
  const url = new URL(spec.url);
  const pool = new Pool(url.origin, { connections: spec.concurrency, pipelining: 1, keepAliveTimeout: 30_000 });
  const path = `${url.pathname}${url.search}`;
  try {
    const out: Tally = { samples: new Samples(), errors: 0, errorSamples: [], sent: 0 };
    const started = performance.now();
    await loop(pool, spec, path, started + spec.durationMs, spec.maxRequests, out);
    const seconds = (performance.now() - started) / 1000;
    const samples = out.samples.values();
    return {
      requests: samples.length,
      errors: out.errors,
      errorSamples: out.errorSamples,
      seconds,
      throughput: samples.length / seconds,
      latencyMs: summarise(samples),
    };
  } finally {
    await pool.close();
  }
}
