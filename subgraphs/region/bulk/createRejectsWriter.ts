import fs from 'node:fs';
import { once } from 'node:events';

/** One refused record, as written to the rejects file (one JSON object per line). */
export interface Reject {
  /** Position of the record in the input, from 1. */
  record: number;
  /** NDJSON line number, when the input is NDJSON. */
  line?: number;
  studyInstanceUid: string | null;
  reasons: string[];
}

export interface RejectsWriter {
  readonly path: string;
  /** How many rejects were written. */
  readonly count: number;
  write(reject: Reject): Promise<void>;
  close(): Promise<void>;
}

/**
 * Writes rejects as NDJSON. The file is created on the first reject, so a clean load
 * leaves no empty file behind. A file left by an earlier run is removed at once, so it
 * is never mistaken for this run's.
 */
export function createRejectsWriter(path: string): RejectsWriter {
  fs.rmSync(path, { force: true });
  let stream: fs.WriteStream | null = null;
  let count = 0;
  return {
    path,
    get count() {
      return count;
    },
    async write(reject) {
      stream ??= fs.createWriteStream(path, { flags: 'w' });
      count++;
      if (!stream.write(`${JSON.stringify(reject)}\n`)) await once(stream, 'drain');
    },
    async close() {
      if (!stream) return;
      const s = stream;
      await new Promise<void>((resolve, reject) => s.end((err?: Error | null) => (err ? reject(err) : resolve())));
    },
  };
}
