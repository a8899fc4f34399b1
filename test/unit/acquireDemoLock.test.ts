import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { acquireDemoLock } from '../../dev/acquireDemoLock';

describe('a second npm start on the same data directory', () => {
  it('is refused with a message saying what to do while the first is running', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'demo-lock-'));
    // The jest worker's parent stands in for a running first demo.
    fs.writeFileSync(path.join(dir, 'demo.pid'), String(process.ppid));
    expect(() => acquireDemoLock(dir)).toThrow(/another npm start \(pid \d+\) is already running.*Stop it first.*own DATA_DIR and PORT/);
    fs.rmSync(dir, { recursive: true });
  });

  it('takes over a lock left by a demo that is no longer running, and releases it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'demo-lock-'));
    fs.writeFileSync(path.join(dir, 'demo.pid'), '2147483646');
    const release = acquireDemoLock(dir);
    expect(fs.readFileSync(path.join(dir, 'demo.pid'), 'utf8')).toBe(String(process.pid));
    release();
    expect(fs.existsSync(path.join(dir, 'demo.pid'))).toBe(false);
    fs.rmSync(dir, { recursive: true });
  });
});
