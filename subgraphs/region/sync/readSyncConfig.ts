import fs from 'node:fs';
import { isNhsNumberPlacement, NHS_NUMBER_PLACEMENTS } from '../bulk/NhsNumberPlacement';
import { SYNC_DEFAULTS, type ArchiveConfig, type ChangeFeed, type SyncConfig } from './ArchiveConfig';

export type ReadConfig = { ok: true; config: SyncConfig } | { ok: false; message: string };

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function httpUrl(v: unknown, where: string, problems: string[]): string | null {
  if (typeof v !== 'string') {
    problems.push(`${where} must be an http(s) URL`);
    return null;
  }
  try {
    const u = new URL(v);
    if (u.protocol === 'http:' || u.protocol === 'https:') return v.replace(/\/+$/, '');
  } catch {
    // reported below
  }
  problems.push(`${where} must be an http(s) URL, got "${v.slice(0, 80)}"`);
  return null;
}

function numberIn(v: unknown, fallback: number, min: number, max: number, where: string, problems: string[]): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) problems.push(`${where} must be a number from ${min} to ${max}`);
  return typeof v === 'number' ? v : fallback;
}

/** The Orthanc REST root next to a DICOMweb base ending in /dicom-web, the plugin's default. */
function orthancRoot(dicomweb: string): string {
  return dicomweb.replace(/\/dicom-web$/, '');
}

function readArchive(raw: unknown, i: number, problems: string[]): ArchiveConfig | null {
  const where = `archives[${i}]`;
  if (!isObject(raw)) {
    problems.push(`${where} must be an object`);
    return null;
  }
  const known = ['name', 'dicomweb', 'publicBase', 'viewerUrlTemplate', 'nhsNumberPlacements', 'changeFeed', 'orthancUrl', 'fetchMetadata', 'pageSize', 'maxRemoveShare', 'timeoutMs'];
  for (const key of Object.keys(raw)) if (!known.includes(key)) problems.push(`${where}.${key} is not a setting (known: ${known.join(', ')})`);
  const dicomweb = httpUrl(raw.dicomweb, `${where}.dicomweb`, problems);
  const name = raw.name === undefined && dicomweb ? new URL(dicomweb).host : raw.name;
  if (typeof name !== 'string' || !/^[A-Za-z0-9._:-]{1,64}$/.test(name)) problems.push(`${where}.name must be 1-64 letters, digits, . _ : or -`);
  const publicBase = raw.publicBase === undefined || raw.publicBase === null ? null : httpUrl(raw.publicBase, `${where}.publicBase`, problems);
  let viewer: string | null = null;
  if (raw.viewerUrlTemplate !== undefined && raw.viewerUrlTemplate !== null) {
    const t = typeof raw.viewerUrlTemplate === 'string' ? raw.viewerUrlTemplate : '';
    if (!t.includes('{studyInstanceUid}')) problems.push(`${where}.viewerUrlTemplate must contain {studyInstanceUid}`);
    else if (httpUrl(t.replace('{studyInstanceUid}', '1.2.3'), `${where}.viewerUrlTemplate`, problems)) viewer = t;
  }
  let placements = SYNC_DEFAULTS.nhsNumberPlacements;
  if (raw.nhsNumberPlacements !== undefined) {
    const list = Array.isArray(raw.nhsNumberPlacements) ? raw.nhsNumberPlacements : [];
    if (list.length === 0 || !list.every(isNhsNumberPlacement)) {
      problems.push(`${where}.nhsNumberPlacements must be a non-empty list of ${NHS_NUMBER_PLACEMENTS.join(', ')}`);
    } else placements = list;
  }
  let changeFeed: ChangeFeed = { kind: 'none' };
  const feed = raw.changeFeed ?? 'none';
  if (feed === 'orthanc') {
    const rest = raw.orthancUrl === undefined ? (dicomweb ? orthancRoot(dicomweb) : null) : httpUrl(raw.orthancUrl, `${where}.orthancUrl`, problems);
    if (rest) changeFeed = { kind: 'orthanc', restBaseUrl: rest };
  } else if (feed !== 'none') problems.push(`${where}.changeFeed must be "orthanc" or "none"`);
  if (raw.fetchMetadata !== undefined && typeof raw.fetchMetadata !== 'boolean') problems.push(`${where}.fetchMetadata must be true or false`);
  const archive: ArchiveConfig = {
    name: typeof name === 'string' ? name : '',
    dicomwebBaseUrl: dicomweb ?? '',
    publicBaseUrl: publicBase,
    viewerUrlTemplate: viewer,
    nhsNumberPlacements: placements,
    changeFeed,
    fetchMetadata: raw.fetchMetadata === false ? false : SYNC_DEFAULTS.fetchMetadata,
    pageSize: numberIn(raw.pageSize, SYNC_DEFAULTS.pageSize, 1, 10_000, `${where}.pageSize`, problems),
    maxRemoveShare: numberIn(raw.maxRemoveShare, SYNC_DEFAULTS.maxRemoveShare, 0, 1, `${where}.maxRemoveShare`, problems),
    timeoutMs: numberIn(raw.timeoutMs, SYNC_DEFAULTS.timeoutMs, 100, 600_000, `${where}.timeoutMs`, problems),
  };
  return archive;
}

/**
 * Reads a sync configuration object (the `--config` JSON file, or one built from
 * command-line flags) and says every problem at once.
 */
export function parseSyncConfig(raw: unknown): ReadConfig {
  const problems: string[] = [];
  if (!isObject(raw) || !Array.isArray(raw.archives) || raw.archives.length === 0) {
    return { ok: false, message: 'the sync configuration needs "archives": a non-empty list' };
  }
  const archives = raw.archives.map((a, i) => readArchive(a, i, problems)).filter((a): a is ArchiveConfig => a !== null);
  const names = archives.map((a) => a.name);
  for (const n of new Set(names)) if (names.filter((x) => x === n).length > 1) problems.push(`archive name "${n}" is used twice`);
  const config: SyncConfig = {
    archives,
    pollSeconds: numberIn(raw.pollSeconds, SYNC_DEFAULTS.pollSeconds, 0.1, 86_400, 'pollSeconds', problems),
    reconcileSeconds: numberIn(raw.reconcileSeconds, SYNC_DEFAULTS.reconcileSeconds, 1, 7 * 86_400, 'reconcileSeconds', problems),
  };
  return problems.length > 0 ? { ok: false, message: problems.join('; ') } : { ok: true, config };
}

/** Reads and parses a `--config` file. */
export function readSyncConfigFile(file: string): ReadConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return { ok: false, message: `cannot read the sync configuration file ${file}` };
  }
  try {
    return parseSyncConfig(JSON.parse(text));
  } catch (err) {
    return { ok: false, message: `${file} is not JSON: ${(err as Error).message}` };
  }
}
