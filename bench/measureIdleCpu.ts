import type { BenchProcess } from './benchProcess';
import { cpuSnapshot } from './stackCpu';
import { sumCpu } from './measureTarget';

/** CPU used per second while no request is sent: the locator's polls and every process's own background work. */
export interface IdleCpu {
  seconds: number;
  gatewayMsPerSecond: number | null;
  regionsMsPerSecond: number | null;
  stackMsPerSecond: number;
}

export async function measureIdleCpu(gateway: BenchProcess, regions: readonly BenchProcess[], ms = 3000): Promise<IdleCpu> {
  const g0 = gateway.cpuSeconds();
  const r0 = sumCpu(regions);
  const s0 = cpuSnapshot().stack;
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, ms));
  const seconds = (performance.now() - t0) / 1000;
  const g1 = gateway.cpuSeconds();
  const r1 = sumCpu(regions);
  const s1 = cpuSnapshot().stack;
  return {
    seconds,
    gatewayMsPerSecond: g0 !== null && g1 !== null ? ((g1 - g0) * 1000) / seconds : null,
    regionsMsPerSecond: r0 !== null && r1 !== null ? ((r1 - r0) * 1000) / seconds : null,
    stackMsPerSecond: ((s1 - s0) * 1000) / seconds,
  };
}
