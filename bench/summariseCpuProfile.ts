import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
  children?: number[];
}

/** V8's CPU profile format (.cpuprofile, CDP Profiler.Profile). */
export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface SelfTimeRow {
  name: string;
  where: string;
  selfMs: number;
  /** Share of the non-idle time. */
  percent: number;
}

export interface ProfileSummary {
  /** The full profile, for Chrome DevTools. */
  file: string;
  /** The part of the profile summarised (CLOCK_MONOTONIC microseconds). */
  window?: { fromUs: number; toUs: number };
  durationMs: number;
  busyMs: number;
  gcMs: number;
  topFunctions: SelfTimeRow[];
  topAreas: SelfTimeRow[];
  /** As topAreas, but native and Node-internal work is charged to the package or project file that called it. */
  topCallers: SelfTimeRow[];
}

const SPECIAL = new Set(['(root)', '(program)', '(idle)', '(garbage collector)']);

/** Where a script belongs: an npm package, a project file, Node's internals, or V8 builtins. */
function areaOf(url: string, root: string): string {
  if (url === '') return '(V8 builtins / native)';
  if (url.startsWith('node:')) return 'node: internals';
  const file = url.startsWith('file://') ? decodeURIComponent(url.slice('file://'.length)) : url;
  const nm = file.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const parts = file.slice(nm + '/node_modules/'.length).split('/');
    return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] ?? file);
  }
  return path.relative(root, file);
}

function shortWhere(url: string, line: number, root: string): string {
  if (url === '') return '';
  const file = url.startsWith('file://') ? decodeURIComponent(url.slice('file://'.length)) : url;
  const nm = file.lastIndexOf('/node_modules/');
  if (nm < 0 && !url.startsWith('node:') && /\.[cm]?ts$/.test(file)) {
    // Our TypeScript runs as tsx's transform output: its line numbers do not match the source.
    return path.relative(root, file);
  }
  const shown = nm >= 0 ? file.slice(nm + '/node_modules/'.length) : url.startsWith('node:') ? url : path.relative(root, file);
  return `${shown}:${line + 1}`;
}

/**
 * Self time per function and per package from a V8 CPU profile (.cpuprofile format), within
 * an optional time window: each sample's interval is charged to the function on top of the stack.
 */
export function summariseCpuProfile(profile: CpuProfile, file: string, root: string, window?: { fromUs: number; toUs: number }, top = 25): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id);
  // The nearest frame (itself or a caller) in an npm package or a project file.
  const owners = new Map<number, string>();
  const ownerOf = (id: number): string => {
    const known = owners.get(id);
    if (known !== undefined) return known;
    const node = byId.get(id);
    let owner: string;
    if (!node) owner = '(unknown)';
    else if (node.callFrame.functionName === '(root)') owner = '(Node I/O and timers, no JS caller)';
    else if (SPECIAL.has(node.callFrame.functionName)) owner = node.callFrame.functionName;
    else if (node.callFrame.url !== '' && !node.callFrame.url.startsWith('node:')) owner = areaOf(node.callFrame.url, root);
    else owner = parent.has(id) ? ownerOf(parent.get(id)!) : areaOf(node.callFrame.url, root);
    owners.set(id, owner);
    return owner;
  };
  const self = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  // Timestamps are CLOCK_MONOTONIC microseconds, the clock of process.hrtime in any process,
  // so the bench can keep only the samples taken during its measured load (no start-up).
  const from = Math.max(profile.startTime, window?.fromUs ?? profile.startTime);
  const to = Math.min(profile.endTime, window?.toUs ?? profile.endTime);
  const durationUs = Math.max(0, to - from);
  let at = profile.startTime;
  for (let i = 0; i < samples.length; i++) {
    at += deltas[i] ?? 0;
    if (at < from || at > to) continue;
    // timeDeltas[i] is the gap before sample i; the sample stands for the gap after it.
    const us = deltas[i + 1] ?? 0;
    self.set(samples[i]!, (self.get(samples[i]!) ?? 0) + Math.max(0, us));
  }
  let idleUs = 0;
  let gcUs = 0;
  const functions = new Map<string, { name: string; where: string; us: number }>();
  const areas = new Map<string, number>();
  const callers = new Map<string, number>();
  for (const [id, us] of self) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') idleUs += us;
    if (functionName === '(garbage collector)') gcUs += us;
    if (functionName === '(idle)' || functionName === '(root)') continue;
    const name = functionName || '(anonymous)';
    const where = SPECIAL.has(functionName) ? '' : shortWhere(url, lineNumber, root);
    const key = `${name}\u0000${where}`;
    const entry = functions.get(key) ?? { name, where, us: 0 };
    entry.us += us;
    functions.set(key, entry);
    const area = SPECIAL.has(functionName) ? functionName : areaOf(url, root);
    areas.set(area, (areas.get(area) ?? 0) + us);
    const owner = ownerOf(id);
    callers.set(owner, (callers.get(owner) ?? 0) + us);
  }
  const busyUs = Math.max(1, durationUs - idleUs);
  const row = (name: string, where: string, us: number): SelfTimeRow => ({ name, where, selfMs: us / 1000, percent: (100 * us) / busyUs });
  return {
    file,
    ...(window ? { window } : {}),
    durationMs: durationUs / 1000,
    busyMs: busyUs / 1000,
    gcMs: gcUs / 1000,
    topFunctions: [...functions.values()].sort((a, b) => b.us - a.us).slice(0, top).map((f) => row(f.name, f.where, f.us)),
    topAreas: [...areas.entries()].sort((a, b) => b[1] - a[1]).slice(0, 15).map(([name, us]) => row(name, '', us)),
    topCallers: [...callers.entries()].sort((a, b) => b[1] - a[1]).slice(0, 15).map(([name, us]) => row(name, '', us)),
  };
}
