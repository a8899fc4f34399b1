import fs from 'node:fs';
import type { Pool } from 'pg';
import type { StudyRecord } from '../StudyRecord';
import type { ProgressFigures } from './createProgressReporter';
import { createRejectsWriter } from './createRejectsWriter';
import { loadStudies, type LoadStudiesOptions, type LoadSummary } from './loadStudies';
import { parseDicomJsonStudy } from './parseDicomJsonStudy';
import { readDicomJsonRecords, type DicomJsonFormat } from './readDicomJsonRecords';

export interface LoadDicomJsonFileOptions {
  /** The file to read, or "-" for standard input. */
  file: string;
  /** 'auto' (default) looks at the first non-blank character: "[" is a JSON array, else NDJSON. */
  format?: DicomJsonFormat | 'auto';
  /** Where refused records go, as NDJSON; default `<file>.rejects.ndjson` (`stdin.rejects.ndjson` for "-"). Created only if needed. */
  rejectsPath?: string;
  /** Viewer launch URL for the viewer link of every study (DICOM has no tag for it). */
  viewerBaseUrl?: string;
  chunkSize?: number;
  /** Parallel database connections; see {@link LoadStudiesOptions.connections}. */
  connections?: number;
  /** `position` is bytes read of the file, `total` its size. */
  onProgress?: (figures: ProgressFigures) => void;
}

export type LoadFileResult =
  | { ok: true; summary: LoadSummary; rejectsPath: string | null }
  | { ok: false; reason: string };

/**
 * Loads a DICOM JSON file (QIDO-RS array or NDJSON) into the regional index. Each record is
 * decoded and validated on its own; refused ones go to the rejects file with their reasons
 * and the rest are loaded by {@link loadStudies}. A bad record never stops the load; an
 * unreadable file or a database failure does.
 */
export async function loadDicomJsonFile(pool: Pool, options: LoadDicomJsonFileOptions): Promise<LoadFileResult> {
  const fromStdin = options.file === '-';
  let size = 0;
  if (!fromStdin) {
    try {
      const stat = fs.statSync(options.file);
      if (!stat.isFile()) return { ok: false, reason: `${options.file} is not a file` };
      size = stat.size;
    } catch {
      return { ok: false, reason: `file not found: ${options.file}` };
    }
    try {
      fs.accessSync(options.file, fs.constants.R_OK);
    } catch {
      return { ok: false, reason: `cannot read ${options.file}` };
    }
  }
  // Standard input has no size: progress then counts bytes without a total.
  const input = fromStdin ? process.stdin : fs.createReadStream(options.file, { highWaterMark: 1 << 20 });
  const bytesRead = () => (fromStdin ? process.stdin.bytesRead ?? 0 : (input as fs.ReadStream).bytesRead);
  const rejects = createRejectsWriter(options.rejectsPath ?? `${fromStdin ? 'stdin' : options.file}.rejects.ndjson`);
  const parseOptions = options.viewerBaseUrl ? { viewerBaseUrl: options.viewerBaseUrl } : {};

  async function* valid(): AsyncGenerator<StudyRecord> {
    for await (const raw of readDicomJsonRecords(input, options.format ?? 'auto')) {
      const where = raw.line !== undefined ? { record: raw.record, line: raw.line } : { record: raw.record };
      if (!raw.ok) {
        await rejects.write({ ...where, studyInstanceUid: null, reasons: [raw.reason] });
        continue;
      }
      const parsed = parseDicomJsonStudy(raw.value, parseOptions);
      if (parsed.ok) yield parsed.record;
      else await rejects.write({ ...where, studyInstanceUid: parsed.studyInstanceUid, reasons: parsed.reasons });
    }
  }

  const started = performance.now();
  try {
    const loaded = await loadStudies(pool, valid(), {
      ...(options.chunkSize !== undefined ? { chunkSize: options.chunkSize } : {}),
      ...(options.connections !== undefined ? { connections: options.connections } : {}),
      onProgress: (c) =>
        options.onProgress?.({
          position: size > 0 ? Math.min(size, bytesRead()) : bytesRead(),
          total: size,
          read: c.read + rejects.count,
          loaded: c.inserted + c.updated + c.unchanged,
          rejected: rejects.count,
        }),
    });
    const seconds = (performance.now() - started) / 1000;
    const read = loaded.read + rejects.count;
    return {
      ok: true,
      summary: { ...loaded, read, rejected: rejects.count, seconds, studiesPerSecond: seconds > 0 ? read / seconds : 0 },
      rejectsPath: rejects.count > 0 ? rejects.path : null,
    };
  } finally {
    if (!fromStdin) input.destroy();
    await rejects.close();
  }
}
