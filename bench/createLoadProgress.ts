import { MultiBar, Presets, type SingleBar } from 'cli-progress';

export interface LoadProgress {
  update(index: number, read: number): void;
  done(index: number, studiesPerSecond: number): void;
  stop(): void;
}

/**
 * Progress of several loads, one bar each (cli-progress) on a terminal; on a pipe or a
 * log file, a plain line every 5 s instead of redrawn bars.
 */
export function createLoadProgress(loads: readonly { label: string; total: number }[]): LoadProgress {
  const width = Math.max(...loads.map((l) => l.label.length));
  // Each load's rate counts from its first progress report (loads run one after another).
  const first = new Map<number, { at: number; read: number }>();
  const rate = (index: number, read: number) => {
    const start = first.get(index);
    if (!start) {
      first.set(index, { at: Date.now(), read });
      return 0;
    }
    return Math.round((read - start.read) / Math.max(0.001, (Date.now() - start.at) / 1000));
  };
  if (process.stderr.isTTY) {
    const multi = new MultiBar(
      { stream: process.stderr, format: 'load {label} [{bar}] {percentage}% | {value}/{total} studies | {speed} studies/s | ETA {eta_formatted}', hideCursor: true, fps: 5 },
      Presets.shades_classic,
    );
    const bars: SingleBar[] = loads.map((l) => multi.create(Math.max(1, l.total), 0, { label: l.label.padEnd(width), speed: 0 }));
    return {
      update: (i, read) => bars[i]?.update(read, { speed: rate(i, read) }),
      done: (i, speed) => bars[i]?.update(loads[i]!.total, { speed: Math.round(speed) }),
      stop: () => multi.stop(),
    };
  }
  let last = 0;
  return {
    update: (i, read) => {
      const speed = rate(i, read);
      if (Date.now() - last < 5000) return;
      last = Date.now();
      const total = loads[i]!.total;
      process.stderr.write(`load ${loads[i]!.label}: ${read}/${total} studies (${Math.floor((100 * read) / Math.max(1, total))}%) | ${speed} studies/s\n`);
    },
    done: (i, speed) => process.stderr.write(`load ${loads[i]!.label}: done, ${Math.round(speed)} studies/s\n`),
    stop: () => undefined,
  };
}
