import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const DEBIAN_CHROMIUM = '/usr/bin/chromium';
const APT_GET = '/usr/bin/apt-get';

/** How long a test's beforeAll should allow for {@link launchChromium}, which may install the browser first. */
export const CHROMIUM_SETUP_TIMEOUT_MS = 10 * 60_000;

/**
 * Flags for a quiet, hermetic headless browser: no sandbox (tests run as root in
 * containers), no GPU, and none of Chromium's own traffic (component updates, sync,
 * QUIC probing), so every request a test sees was made by the page under test.
 * The shared-memory flag matters in containers whose /dev/shm is only 64 MB.
 */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-4000);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`${command} ${args.join(' ')} exited with ${code}:\n${stderr}`));
    });
  });
}

/**
 * Path of the Chromium the browser tests drive: CHROMIUM_PATH, or Debian's package.
 * When Debian's is missing and we are root with apt-get, installs it (as .ci/run does),
 * so a clean machine needs no manual step; otherwise fails saying how to get one.
 */
export async function ensureChromium(): Promise<string> {
  const configured = process.env.CHROMIUM_PATH;
  if (configured) {
    if (isExecutable(configured)) return configured;
    throw new Error(`CHROMIUM_PATH is ${configured}, which is not an executable file`);
  }
  if (isExecutable(DEBIAN_CHROMIUM)) return DEBIAN_CHROMIUM;
  if (process.getuid?.() !== 0 || !isExecutable(APT_GET)) {
    throw new Error(
      `Chromium is not installed at ${DEBIAN_CHROMIUM}. Install Debian's package ` +
        '(as root: apt-get update && apt-get install -y --no-install-recommends chromium), ' +
        'or set CHROMIUM_PATH to a Chromium or Chrome executable.',
    );
  }
  await run(APT_GET, ['update', '-qq']);
  await run(APT_GET, ['install', '-y', '-qq', '--no-install-recommends', 'chromium']);
  if (!isExecutable(DEBIAN_CHROMIUM)) {
    throw new Error(`apt-get installed chromium but ${DEBIAN_CHROMIUM} is still missing`);
  }
  return DEBIAN_CHROMIUM;
}

/** A headless Chromium through playwright-core; close it in the test's teardown. */
export async function launchChromium(): Promise<Browser> {
  const executablePath = await ensureChromium();
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS, timeout: 30_000 });
}
