import fs from 'node:fs';
import type { ProcessRecord } from './benchProcess';
import { childPids, cpuSecondsWithChildren, peakRssMb } from './procStats';

export interface PeakSampler {
  /** Takes a last sample and stops; call before PostgreSQL stops. */
  stop(): void;
  records(): ProcessRecord[];
}

/**
 * PostgreSQL's processes are not ours to start, and its backends come and go with
 * connections, so their peak RSS is sampled every 2 s: the postmaster's, and the largest
 * of any backend's. The postmaster's CPU includes every backend it has reaped.
 */
export function startPeakSampler(pidFile: string): PeakSampler {
  let postmaster: number | null = null;
  let postmasterPeak: number | null = null;
  let postmasterCpu: number | null = null;
  let backendPeak: { pid: number; mb: number } | null = null;
  const sample = () => {
    if (postmaster === null) {
      try {
        postmaster = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]) || null;
      } catch {
        return;
      }
    }
    if (postmaster === null) return;
    postmasterPeak = peakRssMb(postmaster) ?? postmasterPeak;
    postmasterCpu = cpuSecondsWithChildren(postmaster) ?? postmasterCpu;
    for (const pid of childPids(postmaster)) {
      const mb = peakRssMb(pid);
      if (mb !== null && (backendPeak === null || mb > backendPeak.mb)) backendPeak = { pid, mb };
    }
  };
  sample();
  const timer = setInterval(sample, 2000);
  timer.unref();
  let stopped = false;
  return {
    stop: () => {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      sample();
    },
    records: () => {
      if (postmaster === null) return [];
      const out: ProcessRecord[] = [{ label: 'PostgreSQL postmaster (CPU: all its processes)', role: 'postgres', pid: postmaster, peakRssMb: postmasterPeak, cpuSeconds: postmasterCpu }];
      if (backendPeak) out.push({ label: 'PostgreSQL largest backend', role: 'postgres', pid: backendPeak.pid, peakRssMb: backendPeak.mb, cpuSeconds: null });
      return out;
    },
  };
}
