import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../lib/net/freePort';

/** A real Orthanc with its DICOMweb plugin, private to one test file. */
export interface RunningOrthanc {
  /** Orthanc's REST root (also its change feed), e.g. http://127.0.0.1:PORT */
  url: string;
  /** The DICOMweb plugin's base: url + /dicom-web */
  dicomwebUrl: string;
  /** Stores a DICOM Part 10 file; returns Orthanc's study ID. */
  upload(file: Buffer): Promise<string>;
  /** Deletes a study by its StudyInstanceUID. */
  deleteStudy(studyInstanceUid: string): Promise<void>;
  stop(): Promise<void>;
}

/** How long a test's beforeAll should allow for {@link startOrthanc}. */
export const ORTHANC_SETUP_TIMEOUT_MS = 60_000;

const INSTALL_HINT = 'install Debian\'s packages (as root: apt-get update && apt-get install -y orthanc orthanc-dicomweb dcmtk), as .ci/run does';

/** The DICOMweb plugin, found where Debian's orthanc-dicomweb package put it. */
function dicomWebPlugin(): string {
  let listed = '';
  try {
    listed = execFileSync('dpkg', ['-L', 'orthanc-dicomweb'], { encoding: 'utf8' });
  } catch {
    throw new Error(`the orthanc-dicomweb package is not installed: ${INSTALL_HINT}`);
  }
  const plugin = listed.split('\n').find((l) => /plugins\/libOrthancDicomWeb\.so$/.test(l)) ?? listed.split('\n').find((l) => /libOrthancDicomWeb\.so/.test(l));
  if (!plugin) throw new Error('orthanc-dicomweb is installed but its plugin library was not found in dpkg -L');
  return plugin;
}

async function waitUntilUp(url: string, child: ReturnType<typeof spawn>, log: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`Orthanc exited with ${child.exitCode}: ${log()}`);
    try {
      const res = await fetch(`${url}/system`);
      if (res.ok) {
        await res.body?.cancel();
        const plugins = await (await fetch(`${url}/plugins`)).json() as string[];
        if (!plugins.includes('dicom-web')) throw new Error(`Orthanc started without its DICOMweb plugin: ${log()}`);
        return;
      }
    } catch (err) {
      if ((err as Error).message.startsWith('Orthanc started')) throw err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Orthanc did not answer within 30 s: ${log()}`);
}

/**
 * Starts Debian's Orthanc 1.10 on a free port with the DICOMweb plugin and a temporary
 * storage directory. Orthanc 1.10 cannot bind one address, so it listens on every
 * interface but, with RemoteAccessAllowed false, answers only loopback callers; its DICOM
 * (DIMSE) server is off. Stop it in teardown: the storage directory goes with it.
 */
export async function startOrthanc(options: { /** Keep storage here across runs (the bench); default a temp dir removed on stop. */ storageDir?: string } = {}): Promise<RunningOrthanc> {
  const plugin = dicomWebPlugin();
  const dir = options.storageDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'orthanc-test-'));
  fs.mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const config = {
    Name: 'imaging-index-test',
    StorageDirectory: path.join(dir, 'storage'),
    IndexDirectory: path.join(dir, 'index'),
    HttpPort: port,
    RemoteAccessAllowed: false,
    AuthenticationEnabled: false,
    DicomServerEnabled: false,
    DicomPort: await freePort(),
    Plugins: [plugin],
    StableAge: 1,
    SaveJobs: false,
    HttpCompressionEnabled: false,
    DicomWeb: { Enable: true, Root: '/dicom-web/', EnableWado: true, StudiesMetadata: 'Full', SeriesMetadata: 'Full' },
  };
  const configFile = path.join(dir, 'orthanc.json');
  fs.writeFileSync(configFile, JSON.stringify(config));
  const child = spawn('Orthanc', [configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.on('data', (d: Buffer) => {
    log = (log + d.toString()).slice(-4000);
  });
  const spawned = new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (err) => reject(new Error(`cannot run Orthanc (${err.message}): ${INSTALL_HINT}`)));
  });
  await spawned;
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.once('exit', () => {
          clearTimeout(force);
          resolve();
        });
        child.kill('SIGTERM');
      });
    }
    if (!options.storageDir) fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilUp(url, child, () => log);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    url,
    dicomwebUrl: `${url}/dicom-web`,
    upload: async (file) => {
      const res = await fetch(`${url}/instances`, { method: 'POST', body: file, headers: { 'content-type': 'application/dicom' } });
      if (!res.ok) throw new Error(`Orthanc refused a DICOM file: HTTP ${res.status} ${await res.text()}`);
      return ((await res.json()) as { ParentStudy: string }).ParentStudy;
    },
    deleteStudy: async (uid) => {
      const found = await fetch(`${url}/tools/lookup`, { method: 'POST', body: uid });
      const ids = ((await found.json()) as Array<{ ID: string; Type: string }>).filter((r) => r.Type === 'Study');
      for (const { ID } of ids) {
        const res = await fetch(`${url}/studies/${ID}`, { method: 'DELETE' });
        if (!res.ok) throw new Error(`Orthanc did not delete study ${uid}: HTTP ${res.status}`);
      }
    },
    stop,
  };
}
