import type { BenchResults, LatencyRun, TargetCheck, TargetName } from './BenchResults';
import { evaluateLocatorTargets } from './evaluateLocatorTargets';

export function findRun(results: BenchResults, target: TargetName, concurrency: number): LatencyRun | undefined {
  return results.latency.find((r) => r.target === target && r.concurrency === concurrency);
}

/** Highest throughput a target reached over the concurrencies measured. */
export function peakThroughput(results: BenchResults, target: TargetName): LatencyRun | undefined {
  return results.latency.filter((r) => r.target === target).sort((a, b) => b.throughput - a.throughput)[0];
}

const ms = (v: number) => `${v.toFixed(2)} ms`;
const rps = (v: number) => `${v.toFixed(0)} req/s`;
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`;

/** The issue's targets, each MET / NOT MET with its numbers, or NOT MEASURED with why. */
export function evaluateTargets(results: BenchResults): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const regions = results.config.regions;

  const a1 = findRun(results, 'federated', 1);
  const c1 = findRun(results, 'centralised', 1);
  const name1 = 'federated p50 <= 1.5x centralised at concurrency 1 with 10 regions (issue #5)';
  if (!a1 || !c1) checks.push({ name: name1, status: 'NOT MEASURED', detail: 'a run is missing' });
  else {
    const detail = `federated p50 ${ms(a1.latencyMs.p50)} vs centralised ${ms(c1.latencyMs.p50)} = ${ratio(a1.latencyMs.p50, c1.latencyMs.p50)} (${regions} regions)`;
    if (regions !== 10) checks.push({ name: name1, status: 'NOT MEASURED', detail: `${detail}; the target is defined at 10 regions (run without --regions/--quick)` });
    else checks.push({ name: name1, status: a1.latencyMs.p50 <= 1.5 * c1.latencyMs.p50 ? 'MET' : 'NOT MET', detail });
  }

  const ours = peakThroughput(results, 'centralised');
  for (const [target, label, factor] of [
    ['stock-apollo', 'stock @apollo/gateway', 2],
    ['hive', 'Hive Gateway', 1],
  ] as const) {
    const name = `centralised (ours) throughput >= ${factor === 1 ? '' : `${factor}x `}${target} (${label}, centralised supergraph)`;
    const other = peakThroughput(results, target);
    if (!ours || !other) {
      checks.push({ name, status: 'NOT MEASURED', detail: results.skipped.find((s) => s.target.includes(label))?.reason ?? 'a run is missing', compares: ['centralised', target] });
      continue;
    }
    const perConcurrency = results.config.concurrencies
      .map((c) => {
        const o = findRun(results, 'centralised', c);
        const t = findRun(results, target, c);
        return o && t ? `c=${c}: ${ratio(o.throughput, t.throughput)}` : null;
      })
      .filter((x) => x !== null)
      .join(', ');
    const cpu = results.config.concurrencies
      .map((c) => {
        const o = findRun(results, 'centralised', c);
        const t = findRun(results, target, c);
        return o?.serverCpuMsPerRequest && t?.serverCpuMsPerRequest ? `c=${c}: ${o.serverCpuMsPerRequest.toFixed(2)} vs ${t.serverCpuMsPerRequest.toFixed(2)}` : null;
      })
      .filter((x) => x !== null)
      .join(', ');
    checks.push({
      name,
      status: ours.throughput >= factor * other.throughput ? 'MET' : 'NOT MET',
      compares: ['centralised', target],
      detail:
        `peak ${rps(ours.throughput)} (c=${ours.concurrency}) vs ${rps(other.throughput)} (c=${other.concurrency}) = ${ratio(ours.throughput, other.throughput)}; ${perConcurrency}. ` +
        `Gateway CPU ms per request, ours vs theirs: ${cpu}`,
    });
  }

  const slopeName = 'Gateway CPU per extra region < 0.2 ms per request';
  if (results.cpuPerExtraRegionMs === null) checks.push({ name: slopeName, status: 'NOT MEASURED', detail: 'no CPU scaling runs' });
  else {
    const points = results.cpuScaling.map((c) => `${c.regions}: ${c.cpuMsPerRequest === null ? '-' : c.cpuMsPerRequest.toFixed(3)}`).join(', ');
    checks.push({
      name: slopeName,
      status: results.cpuPerExtraRegionMs < 0.2 ? 'MET' : 'NOT MET',
      detail: `slope ${results.cpuPerExtraRegionMs.toFixed(3)} ms/request per region (CPU ms/request by regions ${points})`,
    });
  }

  const lookupName = 'Region lookup p99 < 5 ms at 1M studies';
  const million = results.lookups.find((l) => l.studiesPerRegion >= 1_000_000);
  if (!million) {
    const largest = [...results.lookups].sort((a, b) => b.studiesPerRegion - a.studiesPerRegion)[0];
    checks.push({
      name: lookupName,
      status: 'NOT MEASURED',
      detail: `run with --full or --studies 1000000${largest ? `; largest measured: p99 ${ms(largest.http.latencyMs.p99)} at ${largest.studiesPerRegion.toLocaleString('en-GB')} studies` : ''}`,
    });
  } else {
    checks.push({
      name: lookupName,
      status: million.http.latencyMs.p99 < 5 ? 'MET' : 'NOT MET',
      detail: `p99 ${ms(million.http.latencyMs.p99)} through the region's /graphql (SQL alone p99 ${ms(million.sql.p99)}) at ${million.studiesPerRegion.toLocaleString('en-GB')} studies`,
    });
  }

  const ingestName = 'Bulk ingest >= 20,000 studies/s';
  if (!results.ingest) checks.push({ name: ingestName, status: 'NOT MEASURED', detail: 'ingest run missing' });
  else {
    checks.push({
      name: ingestName,
      status: results.ingest.studiesPerSecond >= 20_000 ? 'MET' : 'NOT MET',
      detail: `${results.ingest.studiesPerSecond.toFixed(0)} studies/s (${results.ingest.read.toLocaleString('en-GB')} studies into an empty database in ${results.ingest.seconds.toFixed(1)} s)`,
    });
  }
  checks.push(...evaluateLocatorTargets(results));
  return checks;
}
