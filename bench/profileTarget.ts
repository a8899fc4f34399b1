import path from 'node:path';
import type { BenchContext } from './BenchContext';
import { ROOT } from './benchProcess';
import type { BenchService } from './benchServices';
import { logRun, measureTarget, type MeasureSpec } from './measureTarget';
import { profileOverInspector } from './profileOverInspector';
import { summariseCpuProfile, type CpuProfile } from './summariseCpuProfile';

/**
 * One more run against a service started with `inspect: true`, with V8's sampling profiler
 * on for exactly the measured part; the summary joins the results and the full profile is
 * kept in bench/results/tmp/<name>.cpuprofile.
 */
export async function profileTarget(ctx: BenchContext, name: string, label: string, service: BenchService, spec: Omit<MeasureSpec, 'url' | 'server'>): Promise<void> {
  const url = service.proc.info.inspectorUrl;
  if (!url) {
    ctx.results.skipped.push({ target: `${label} profile`, reason: 'the process has no inspector URL' });
    return;
  }
  const profiler = await profileOverInspector(url);
  const file = path.join(ctx.tmpDir, `${name}.cpuprofile`);
  let profile: CpuProfile | null = null;
  try {
    const r = await measureTarget(ctx.config, {
      ...spec,
      url: service.url,
      server: service.proc,
      durationMs: ctx.config.profileSeconds * 1000,
      beforeMeasuring: () => profiler.start(),
      afterMeasuring: async () => {
        profile = await profiler.stop(file);
      },
    });
    logRun(`${label} (profiled)`, spec.concurrency, r);
    if (profile) ctx.results.profiles.push({ label, summary: summariseCpuProfile(profile, path.relative(ROOT, file), ROOT, r.window) });
  } finally {
    profiler.close();
  }
}
