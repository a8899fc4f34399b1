import { SingleBar } from 'cli-progress';

/** Figures a progress display shows; `position`/`total` drive the bar (studies or bytes). */
export interface ProgressFigures {
  position: number;
  /** End value of `position`, when the producer knows it (a file's size). */
  total?: number;
  read: number;
  loaded?: number;
  rejected?: number;
}

export interface ProgressReporter {
  update(figures: ProgressFigures): void;
  stop(): void;
}

export interface ProgressReporterOptions {
  label: string;
  /** End value of `position`; bytes of the input file, or studies to generate. */
  total: number;
  /** What `position` counts, for the plain-text form. */
  unit: 'studies' | 'bytes';
  /** Defaults to stderr, so stdout stays clean for data and the summary. */
  stream?: NodeJS.WriteStream;
  /** Seconds between plain-text lines when the stream is not a terminal (default 5). */
  intervalSeconds?: number;
}

function rate(read: number, startedMs: number): number {
  const seconds = (Date.now() - startedMs) / 1000;
  return seconds > 0 ? Math.round(read / seconds) : 0;
}

/**
 * A progress display for long loads: a cli-progress bar on a terminal; on a pipe or log
 * file (CI, containers) a plain line every few seconds, because redrawn bars turn into
 * megabytes of control characters there.
 */
export function createProgressReporter(options: ProgressReporterOptions): ProgressReporter {
  const stream = options.stream ?? process.stderr;
  const started = Date.now();
  const extra = (f: ProgressFigures) =>
    `${f.loaded !== undefined ? ` | stored ${f.loaded}` : ''}${f.rejected !== undefined ? ` | rejected ${f.rejected}` : ''}`;
  if (stream.isTTY) {
    const bar = new SingleBar({
      stream,
      format: `${options.label} [{bar}] {percentage}% | read {read} | {speed} studies/s{extra} | ETA {eta_formatted}`,
      hideCursor: true,
      fps: 5,
    });
    bar.start(Math.max(1, options.total), 0, { read: 0, speed: 0, extra: '' });
    return {
      update: (f) => bar.update(f.position, { read: f.read, speed: rate(f.read, started), extra: extra(f) }),
      stop: () => bar.stop(),
    };
  }
  const intervalMs = (options.intervalSeconds ?? 5) * 1000;
  let last = started;
  let latest: ProgressFigures | null = null;
  const line = (f: ProgressFigures) => {
    const pct = options.total > 0 ? ` (${Math.min(100, Math.floor((100 * f.position) / options.total))}% of ${options.unit})` : '';
    stream.write(`${options.label}: read ${f.read}${pct} | ${rate(f.read, started)} studies/s${extra(f)}\n`);
  };
  return {
    update: (f) => {
      latest = f;
      const now = Date.now();
      if (now - last >= intervalMs) {
        last = now;
        line(f);
      }
    },
    stop: () => {
      if (latest) line(latest);
    },
  };
}
