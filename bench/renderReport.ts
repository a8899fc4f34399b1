import { TARGET_LABELS, type BenchResults, type TargetName } from './BenchResults';
import { findRun } from './evaluateTargets';
import { renderLocatorMarkdown } from './renderLocatorReport';
import type { ProfileSummary } from './summariseCpuProfile';
import { renderLineChart, type ChartSeries } from './svgLineChart';

const TARGETS: readonly TargetName[] = ['federated', 'region-direct', 'centralised', 'stock-apollo', 'hive', 'federated-delayed', 'centralised-delayed'];
const f2 = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(2));
const f0 = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(0));
const pct = (v: number | null | undefined) => (v === null || v === undefined ? '-' : `${Math.round(100 * v)}%`);
const x = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined || b === 0 ? '-' : `${(a / b).toFixed(2)}x`);

function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  return [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

function targetLabel(results: BenchResults, target: TargetName): string {
  return TARGET_LABELS[target].replace('R regions', `${results.config.regions} regions`);
}

function ratioRows(results: BenchResults, a: TargetName, b: TargetName): string[][] {
  return results.config.concurrencies.flatMap((c) => {
    const ra = findRun(results, a, c);
    const rb = findRun(results, b, c);
    if (!ra && !rb) return [];
    return [[
      String(c),
      x(ra?.latencyMs.p50, rb?.latencyMs.p50),
      x(ra?.latencyMs.p99, rb?.latencyMs.p99),
      x(ra?.throughput, rb?.throughput),
      x(ra?.serverCpuMsPerRequest ?? undefined, rb?.serverCpuMsPerRequest ?? undefined),
      x(ra?.stackCpuMsPerRequest, rb?.stackCpuMsPerRequest),
    ]];
  });
}

export function renderProfileMarkdown(label: string, p: ProfileSummary, topFunctions = 25): string {
  return [
    `### ${label}`,
    '',
    `${(p.durationMs / 1000).toFixed(1)} s of load profiled (\`${p.file}\`), ${(p.busyMs / 1000).toFixed(1)} s not idle, of which garbage collection ${((100 * p.gcMs) / Math.max(1, p.busyMs)).toFixed(1)}%. Self time, as a share of the non-idle time:`,
    '',
    table(
      ['function', 'where', 'self ms', '% of busy'],
      p.topFunctions.slice(0, topFunctions).map((r) => [`\`${r.name}\``, r.where ? `\`${r.where}\`` : '', f0(r.selfMs), f2(r.percent)]),
    ),
    '',
    'By package or project file, with native and Node-internal work (socket writes, crypto, JSON) charged to the code that called it:',
    '',
    table(['package / file', 'ms', '% of busy'], (p.topCallers ?? p.topAreas).map((r) => [`\`${r.name}\``, f0(r.selfMs), f2(r.percent)])),
    '',
  ].join('\n');
}

/** The Markdown report (printed and written to bench/results/latest.md). */
export function renderMarkdown(results: BenchResults): string {
  const { config, machine } = results;
  const out: string[] = [];
  out.push(`## Benchmark results (${results.startedAt.slice(0, 16).replace('T', ' ')} UTC)`, '');
  out.push(
    `Machine: ${machine.cpus} x ${machine.cpuModel}, ${machine.memoryGiB.toFixed(0)} GiB, Node ${machine.node}, ${machine.platform} ${machine.release}. ` +
      `Everything (PostgreSQL, regions, gateways, load generator) on this one machine; load average ${machine.loadAverageAtStart.toFixed(2)} when the bench started.`,
    '',
    `Data: ${config.regions} regions x ${config.studies.toLocaleString('en-GB')} studies (seed ${config.seed}); centralised baseline ${(config.regions * config.studies).toLocaleString('en-GB')} studies in one database. ` +
      `Workload: NHS numbers drawn from the data (including multi-region patients), half full histories, half \`first: 20\` with a modality filter; ` +
      `${config.durationSeconds} s per run after ${config.warmupSeconds} s warm-up; region history cache TTL ${config.regionCacheTtlSeconds} s.`,
    '',
  );
  out.push('### Latency and throughput', '');
  const rows: string[][] = [];
  for (const target of TARGETS) {
    for (const r of results.latency.filter((l) => l.target === target).sort((a, b) => a.concurrency - b.concurrency)) {
      rows.push([
        targetLabel(results, target),
        String(r.concurrency),
        f0(r.throughput),
        f2(r.latencyMs.p50),
        f2(r.latencyMs.p95),
        f2(r.latencyMs.p99),
        `${r.errors}/${r.requests}`,
        f2(r.serverCpuMsPerRequest),
        f2(r.regionsCpuMsPerRequest),
        f2(r.stackCpuMsPerRequest),
        pct(r.otherCpuShare),
      ]);
    }
  }
  out.push(table(['target', 'concurrency', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'errors', 'server CPU ms/req', 'regions CPU ms/req', 'stack CPU ms/req', 'other load'], rows), '');
  out.push(
    'CPU per request (from /proc): server = the process under test (the gateway for (a), (c), (d); the region for (b)); regions = the region processes behind a gateway, summed; ' +
      'stack = everything the bench runs (gateway, regions, PostgreSQL, load generator), which bounds throughput at cores x 1000 / stack CPU; ' +
      'other load = share of the machine\'s busy CPU used by processes outside the bench (a run above 15% is repeated, up to ' +
      `${results.config.maxAttempts ?? 1} times, keeping the quietest).`,
    '',
  );
  const measured = results.latency.filter((r) => r.machineCpuMsPerRequest !== null);
  const foreign = measured.reduce((s, r) => s + (r.machineCpuMsPerRequest! - r.stackCpuMsPerRequest) * r.requests, 0);
  const total = measured.reduce((s, r) => s + r.machineCpuMsPerRequest! * r.requests, 0);
  if (total > 0) {
    out.push(
      `Other processes on the machine used ${((100 * Math.max(0, foreign)) / total).toFixed(0)}% of the CPU busy time during these runs` +
        `${foreign / total > 0.1 ? ': the figures are skewed by a busy machine; re-run on an idle one' : ''}.`,
      '',
    );
  }

  out.push('### Ratios', '');
  const ratios: Array<[string, TargetName, TargetName]> = [
    ['(a)/(c) federated / centralised', 'federated', 'centralised'],
    ['(a)/(c) with network delay', 'federated-delayed', 'centralised-delayed'],
    ['(a)/(b) federated / region direct', 'federated', 'region-direct'],
    ['ours / stock @apollo/gateway (centralised)', 'centralised', 'stock-apollo'],
    ['ours / Hive Gateway (centralised)', 'centralised', 'hive'],
  ];
  const ratioTable: string[][] = [];
  for (const [label, a, b] of ratios) for (const row of ratioRows(results, a, b)) ratioTable.push([label, ...row]);
  out.push(table(['ratio', 'concurrency', 'p50', 'p99', 'throughput', 'server CPU/req', 'stack CPU/req'], ratioTable), '');
  out.push(
    'Every target shares the same two cores with its regions and PostgreSQL, so end-to-end throughput is bounded by the whole stack\'s CPU per request; ' +
      'the server CPU ratio compares the gateways themselves (below 1x: ours needs less CPU per request).',
    '',
  );

  out.push(`### Gateway CPU per request against registered regions (concurrency ${config.cpuConcurrency})`, '');
  out.push(
    table(
      ['regions', 'req/s', 'p50 ms', 'gateway CPU ms/req', 'regions CPU ms/req', 'stack CPU ms/req', 'other load', 'errors', 'idle CPU ms/s: gateway / regions / stack'],
      results.cpuScaling.map((c) => [
        String(c.regions),
        f0(c.throughput),
        f2(c.p50Ms),
        f2(c.cpuMsPerRequest),
        f2(c.regionsCpuMsPerRequest),
        f2(c.stackCpuMsPerRequest),
        pct(c.otherCpuShare),
        `${c.errors}/${c.requests}`,
        c.idle ? `${f0(c.idle.gatewayMsPerSecond)} / ${f0(c.idle.regionsMsPerSecond)} / ${f0(c.idle.stackMsPerSecond)}` : '-',
      ]),
    ),
    '',
    `Slope: ${results.cpuPerExtraRegionMs === null ? '-' : results.cpuPerExtraRegionMs.toFixed(3)} ms of gateway CPU per request per extra region, with the patient locator on. ` +
      'Every registered region is its own process over its own database (see "Patient locator" below); the workload at each count is patients with studies in the registered regions. ' +
      'Counts run from 42 down, stopping the processes of deregistered regions, so regions and stack CPU charge exactly the registered regions. ' +
      'Idle CPU is measured over 3 s with no requests just before each run: the locator polls every registered region every LOCATOR_POLL_MS, and that cost is spread over however many requests a second the machine serves.',
    '',
  );
  out.push(...renderLocatorMarkdown(results));

  out.push('### Region lookup latency (concurrency 1)', '');
  out.push(
    table(
      ['studies per region', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'SQL alone p50 ms', 'SQL alone p99 ms'],
      results.lookups.map((l) => [l.studiesPerRegion.toLocaleString('en-GB'), f0(l.http.throughput), f2(l.http.latencyMs.p50), f2(l.http.latencyMs.p95), f2(l.http.latencyMs.p99), f2(l.sql.p50), f2(l.sql.p99)]),
    ),
    '',
  );

  out.push('### Bulk ingest', '');
  const ingestRows: string[][] = [];
  if (results.ingest) ingestRows.push(['empty database (this run)', results.ingest.read.toLocaleString('en-GB'), f0(results.ingest.studiesPerSecond), f2(results.ingest.seconds)]);
  for (const d of results.datasets) {
    const load = d.load ?? d.recordedLoad;
    if (load) ingestRows.push([`${d.label}${d.load ? ' (this run)' : ' (when first loaded)'}`, load.read.toLocaleString('en-GB'), f0(load.studiesPerSecond), f2(load.seconds)]);
  }
  out.push(table(['load', 'studies', 'studies/s', 'seconds'], ingestRows), '');
  if (results.ingest) {
    const i = results.ingest;
    out.push(
      `CPU during the measured load (${f2(i.seconds)} s wall, ${results.machine.cpus} cores): loader process (generator, COPY encoding) ${f2(i.loaderCpuSeconds)} s, ` +
        `PostgreSQL (COPY, merge, index maintenance) ${f2(i.stackCpuSeconds - i.loaderCpuSeconds)} s.`,
      '',
    );
  }

  out.push('### Peak RSS (VmHWM)', '');
  out.push(table(['process', 'peak RSS MiB', 'CPU s', 'stopped by'], results.processes.map((p) => [p.label, f0(p.peakRssMb), f2(p.cpuSeconds), p.stoppedBy ?? '-'])), '');
  const killed = results.processes.filter((p) => p.stoppedBy === 'SIGKILL').length;
  if (killed > 0) {
    out.push(
      `${killed} process(es) did not exit within 3 s of SIGTERM and were killed (with NODE_ENV=production, Apollo Server's own signal handler races with the services' shutdown routine; see bench/README.md).`,
      '',
    );
  }

  out.push('### Targets', '');
  for (const t of results.targets) out.push(`- **${t.status}**: ${t.name}: ${t.detail}`);
  out.push('');
  if (results.sanity.length > 0) {
    out.push('### Cross-check: studies in the full history per target', '');
    const present = TARGETS.filter((t) => t !== 'region-direct' && results.sanity.some((s) => t in s.studies));
    out.push(table(['NHS number', ...present.map((t) => t)], results.sanity.map((s) => [s.nhsNumber, ...present.map((t) => String(s.studies[t] ?? 'error'))])), '');
  }
  if (results.skipped.length > 0) {
    out.push('### Skipped', '');
    for (const s of results.skipped) out.push(`- ${s.target}: ${s.reason}`);
    out.push('');
  }
  if (results.profiles.length > 0) {
    out.push('### Where the CPU goes (top self time; method and full lists in profile-summary.md)', '');
    for (const p of results.profiles) out.push(renderProfileMarkdown(p.label, p.summary, 10));
  }
  return out.join('\n');
}

export function renderLatencyChart(results: BenchResults): string {
  const series: ChartSeries[] = [];
  TARGETS.forEach((target, i) => {
    const runs = results.latency.filter((r) => r.target === target);
    if (runs.length === 0) return;
    series.push({ name: `${targetLabel(results, target)} p50`, colour: i, points: runs.map((r) => ({ x: r.concurrency, y: r.latencyMs.p50 })) });
    series.push({ name: 'p99', colour: i, dashed: true, points: runs.map((r) => ({ x: r.concurrency, y: r.latencyMs.p99 })) });
  });
  return renderLineChart({
    title: 'Latency against concurrency (p50 solid, p99 dashed)',
    xLabel: 'concurrent requests',
    yLabel: 'latency (ms, log scale)',
    xScale: 'log',
    yScale: 'log',
    xTicks: results.config.concurrencies,
    series,
    width: 980,
    height: 520,
  }).replace(/<text x="(\d+)" y="(\d+)">p99<\/text>/g, '<text x="$1" y="$2" fill="#666666">p99</text>');
}

export function renderThroughputChart(results: BenchResults): string {
  const series: ChartSeries[] = TARGETS.map((target, i) => ({
    name: targetLabel(results, target),
    colour: i,
    points: results.latency.filter((r) => r.target === target).map((r) => ({ x: r.concurrency, y: r.throughput })),
  })).filter((s) => s.points.length > 0);
  return renderLineChart({ title: 'Throughput against concurrency', xLabel: 'concurrent requests', yLabel: 'requests per second', xScale: 'log', xTicks: results.config.concurrencies, series, width: 980, height: 480 });
}

export function renderCpuChart(results: BenchResults): string {
  const points = results.cpuScaling.filter((c) => c.cpuMsPerRequest !== null).map((c) => ({ x: c.regions, y: c.cpuMsPerRequest! }));
  const stack = results.cpuScaling.map((c) => ({ x: c.regions, y: c.stackCpuMsPerRequest }));
  const series: ChartSeries[] = [{ name: 'gateway CPU ms per request', points }, { name: 'whole-stack CPU ms per request', colour: 2, points: stack }];
  const slope = results.cpuPerExtraRegionMs;
  if (slope !== null && points.length >= 2) {
    const mx = points.reduce((s, p) => s + p.x, 0) / points.length;
    const my = points.reduce((s, p) => s + p.y, 0) / points.length;
    const xs = points.map((p) => p.x);
    series.push({ name: `fit: ${slope.toFixed(3)} ms per region`, dashed: true, colour: 1, points: [Math.min(...xs), Math.max(...xs)].map((v) => ({ x: v, y: my + slope * (v - mx) })) });
  }
  return renderLineChart({
    title: `CPU per request against registered regions, locator on (concurrency ${results.config.cpuConcurrency})`,
    xLabel: 'registered regions',
    yLabel: 'CPU ms per request',
    xTicks: results.config.cpuRegionCounts,
    series,
  });
}

export function renderProfileSummary(results: BenchResults): string {
  const out = ['# CPU profiles', ''];
  out.push(
    "Taken with V8's sampling profiler (1 ms interval, driven over the inspector protocol) on the gateway and on one region under the benchmark workload, in separate " +
      'processes and runs so that profiling overhead does not touch the measured figures; only the measured load is profiled (no start-up, no warm-up). ' +
      'The full profiles are in `bench/results/tmp/*.cpuprofile` (open them in Chrome DevTools, Performance tab). Self time is charged to the function on top of the stack; native functions ' +
      '(`writev`, `parse`, ...) are V8/libuv work such as socket writes and JSON.parse, "(program)" is native work outside JavaScript and "(garbage collector)" is GC. ' +
      'V8 samples on wall-clock ticks, so on a machine with more runnable processes than cores a sample can land while the thread waits for a core: ' +
      'shares are of the time the thread was not idle, which overstates its CPU but keeps the ranking.',
    '',
  );
  for (const p of results.profiles) out.push(renderProfileMarkdown(p.label, p.summary));
  if (results.profiles.length === 0) out.push('No profile was taken.');
  return out.join('\n');
}
