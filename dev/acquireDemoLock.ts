import fs from 'node:fs';
import path from 'node:path';

/**
 * One `npm start` per data directory: a second one would share the first's PostgreSQL data
 * and ports and fail obscurely. Returns a release function; throws a message that says
 * what to do when another demo holds the directory.
 */
export function acquireDemoLock(dataDir: string): () => void {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, 'demo.pid');
  const holder = fs.existsSync(file) ? Number(fs.readFileSync(file, 'utf8').trim()) : NaN;
  if (Number.isInteger(holder) && holder !== process.pid && isAlive(holder)) {
    throw new Error(
      `another npm start (pid ${holder}) is already running with data in ${dataDir}. Stop it first (Ctrl-C in its terminal), ` +
        'or start a second demo with its own DATA_DIR and PORT.',
    );
  }
  fs.writeFileSync(file, String(process.pid));
  return () => {
    try {
      if (fs.readFileSync(file, 'utf8').trim() === String(process.pid)) fs.rmSync(file);
    } catch {
      // already gone
    }
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
