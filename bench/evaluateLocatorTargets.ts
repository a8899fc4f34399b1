import type { BenchResults, TargetCheck } from './BenchResults';
import { findRun } from './evaluateTargets';

const ms = (v: number) => `${v.toFixed(2)} ms`;
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`;

/** Issue #10 item 6: the patient locator's targets, each MET / NOT MET with its numbers, or NOT MEASURED with why. */
export function evaluateLocatorTargets(results: BenchResults): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const regions = results.config.regions;
  const atTen = regions === 10 ? '' : `; the target is defined at 10 regions (this run: ${regions})`;

  for (const [federated, centralised, what] of [
    ['federated', 'centralised', 'on one machine'],
    ['federated-delayed', 'centralised-delayed', 'with network delay (2-20 ms round trips per region, central at the median)'],
  ] as const) {
    for (const concurrency of [1, 8]) {
      const name = `${federated} p50 <= 1.2x ${centralised} at concurrency ${concurrency}, 10 regions, locator on, ${what}`;
      const a = findRun(results, federated, concurrency);
      const c = findRun(results, centralised, concurrency);
      if (!a || !c) {
        checks.push({ name, status: 'NOT MEASURED', detail: results.skipped.find((s) => s.target.includes('delay'))?.reason ?? 'a run is missing', compares: [federated, centralised] });
        continue;
      }
      const detail = `${federated} p50 ${ms(a.latencyMs.p50)} vs ${centralised} ${ms(c.latencyMs.p50)} = ${ratio(a.latencyMs.p50, c.latencyMs.p50)} (p99 ${ms(a.latencyMs.p99)} vs ${ms(c.latencyMs.p99)})${atTen}`;
      checks.push({ name, status: regions !== 10 ? 'NOT MEASURED' : a.latencyMs.p50 <= 1.2 * c.latencyMs.p50 ? 'MET' : 'NOT MET', detail, compares: [federated, centralised] });
    }
  }

  const cpuName = 'federated whole-stack CPU per request <= 1.3x centralised (10 regions, locator on, concurrency 8)';
  const a8 = findRun(results, 'federated', 8);
  const c8 = findRun(results, 'centralised', 8);
  if (!a8 || !c8) checks.push({ name: cpuName, status: 'NOT MEASURED', detail: 'a run is missing', compares: ['federated', 'centralised'] });
  else {
    const detail =
      `stack CPU ${ms(a8.stackCpuMsPerRequest)} vs ${ms(c8.stackCpuMsPerRequest)} per request = ${ratio(a8.stackCpuMsPerRequest, c8.stackCpuMsPerRequest)}; ` +
      `gateway ${a8.serverCpuMsPerRequest?.toFixed(2) ?? '-'} vs ${c8.serverCpuMsPerRequest?.toFixed(2) ?? '-'} ms, regions ${a8.regionsCpuMsPerRequest?.toFixed(2) ?? '-'} vs ${c8.regionsCpuMsPerRequest?.toFixed(2) ?? '-'} ms${atTen}`;
    checks.push({ name: cpuName, status: regions !== 10 ? 'NOT MEASURED' : a8.stackCpuMsPerRequest <= 1.3 * c8.stackCpuMsPerRequest ? 'MET' : 'NOT MET', detail, compares: ['federated', 'centralised'] });
  }

  const one = results.cpuScaling.find((c) => c.regions === 1);
  const most = [...results.cpuScaling].sort((x, y) => y.regions - x.regions)[0];
  for (const [label, pick] of [
    ['gateway CPU', (c: (typeof results.cpuScaling)[number]) => c.cpuMsPerRequest],
    ['whole-stack CPU', (c: (typeof results.cpuScaling)[number]) => c.stackCpuMsPerRequest],
  ] as const) {
    const name = `federated ${label} per request flat: 42 registered regions <= 1.3x of 1 (locator on, every region its own data)`;
    const points = results.cpuScaling.map((c) => `${c.regions}: ${pick(c)?.toFixed(2) ?? '-'}`).join(', ');
    const low = one ? pick(one) : null;
    const high = most ? pick(most) : null;
    if (!one || !most || most.regions < 42 || low === null || high === null) {
      checks.push({ name, status: 'NOT MEASURED', detail: results.skipped.find((s) => s.target.includes('registered regions'))?.reason ?? `runs at 1 and 42 regions missing (${points || 'none'})`, compares: ['federated'] });
      continue;
    }
    checks.push({ name, status: high <= 1.3 * low ? 'MET' : 'NOT MET', detail: `${ratio(high, low)} (ms per request by registered regions: ${points})`, compares: ['federated'] });
  }

  const routingName = 'federated region calls per lookup <= regions holding the patient + 0.1 (and no holder ever skipped)';
  const routing = results.locator?.routing ?? [];
  if (routing.length === 0) checks.push({ name: routingName, status: 'NOT MEASURED', detail: 'no routing runs', compares: ['federated'] });
  else {
    const ok = routing.every((r) => r.excessPerLookup <= 0.1 && r.missedHolders === 0);
    const detail = routing.map((r) => `${r.label}: ${r.callsPerLookup.toFixed(3)} calls vs ${r.meanHolders.toFixed(3)} holders (+${r.excessPerLookup.toFixed(3)}), ${r.missedHolders} missed, ${r.lookups} lookups`).join('; ');
    checks.push({ name: routingName, status: ok ? 'MET' : 'NOT MET', detail, compares: ['federated'] });
  }

  const windowName = 'federated replicas: a published write reaches the other replica within 100 ms (p99)';
  const w = results.locator?.replicaWindow;
  if (!w) checks.push({ name: windowName, status: 'NOT MEASURED', detail: results.skipped.find((s) => s.target.includes('replica'))?.reason ?? 'not run', compares: ['federated'] });
  else {
    checks.push({
      name: windowName,
      status: w.afterAckMs.p99 < 100 && w.published === w.writes ? 'MET' : 'NOT MET',
      detail: `after the acknowledgement p50 ${ms(w.afterAckMs.p50)}, p99 ${ms(w.afterAckMs.p99)}, max ${ms(w.afterAckMs.max)} over ${w.writes} writes (${w.published} published; upper bounds, each includes one /readyz poll of ${ms(w.pollResolutionMs)})`,
      compares: ['federated'],
    });
  }
  return checks;
}
