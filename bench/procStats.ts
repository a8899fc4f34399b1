import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

let clockTicks: number | null = null;

/** Clock ticks per second (USER_HZ), the unit of utime/stime in /proc/<pid>/stat. */
export function clockTicksPerSecond(): number {
  if (clockTicks === null) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** CPU seconds (user + system) a process has used so far, or null once it is gone. */
export function cpuSeconds(pid: number): number | null {
  return readCpu(pid, false);
}

/** The same, plus the CPU of children it has waited for (for PostgreSQL: every backend that ended). */
export function cpuSecondsWithChildren(pid: number): number | null {
  return readCpu(pid, true);
}

function readCpu(pid: number, children: boolean): number | null {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) may contain spaces and parentheses: split after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // After the name, field 3 (state) is index 0: utime (14) is 11, stime 12, cutime 13, cstime 14.
  const ticks = [11, 12, ...(children ? [13, 14] : [])].map((i) => Number(fields[i]));
  if (ticks.some((t) => !Number.isFinite(t))) return null;
  return ticks.reduce((a, b) => a + b, 0) / clockTicksPerSecond();
}

function statusField(pid: number, field: string): number | null {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null;
  }
  const match = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(text);
  return match ? Number(match[1]) : null;
}

/** Peak resident set size (VmHWM) in MiB, or null once the process is gone. */
export function peakRssMb(pid: number): number | null {
  const kb = statusField(pid, 'VmHWM');
  return kb === null ? null : kb / 1024;
}

/** Direct children of a process (e.g. PostgreSQL backends of the postmaster). */
export function childPids(pid: number): number[] {
  const out: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const text = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(text.slice(text.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** CPU seconds the whole machine has spent busy (all cores, every process), from /proc/stat. */
export function machineBusySeconds(): number | null {
  let text: string;
  try {
    text = fs.readFileSync('/proc/stat', 'utf8');
  } catch {
    return null;
  }
  const fields = text.split('\n', 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal: everything but idle and iowait.
  const busy = [0, 1, 2, 5, 6, 7].reduce((sum, i) => sum + (fields[i] ?? 0), 0);
  return busy / clockTicksPerSecond();
}

/** A process's CPU including its reaped children, plus the CPU of its live children (PostgreSQL and its backends). */
export function treeCpuSeconds(pid: number): number | null {
  const own = cpuSecondsWithChildren(pid);
  if (own === null) return null;
  return childPids(pid).reduce((sum, child) => sum + (cpuSeconds(child) ?? 0), own);
}
