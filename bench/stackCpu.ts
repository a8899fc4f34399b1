import fs from 'node:fs';
import { runningBenchProcesses } from './benchProcess';
import { cpuSeconds, machineBusySeconds, treeCpuSeconds } from './procStats';

let postmasterPidFile: string | null = null;

/** Where the embedded PostgreSQL writes its pid, so its CPU counts towards the stack. */
export function setPostmasterPidFile(file: string): void {
  postmasterPidFile = file;
}

function postmasterPid(): number | null {
  if (!postmasterPidFile) return null;
  try {
    return Number(fs.readFileSync(postmasterPidFile, 'utf8').split('\n')[0]) || null;
  } catch {
    return null;
  }
}

export interface CpuSnapshot {
  /** The bench itself, every process it started, and the embedded PostgreSQL with its backends. */
  stack: number;
  /** Every process on the machine, ours or not. */
  machine: number | null;
}

/** CPU seconds used so far by the benchmark's own processes, and by the machine as a whole. */
export function cpuSnapshot(): CpuSnapshot {
  const self = process.cpuUsage();
  let stack = (self.user + self.system) / 1e6;
  for (const proc of runningBenchProcesses()) stack += cpuSeconds(proc.pid) ?? 0;
  const pg = postmasterPid();
  if (pg !== null) stack += treeCpuSeconds(pg) ?? 0;
  return { stack, machine: machineBusySeconds() };
}
