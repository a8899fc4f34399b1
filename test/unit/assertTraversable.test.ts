import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { assertTraversable } from '../../lib/db/assertTraversable';

describe('an embedded PostgreSQL data directory the postgres OS user cannot reach', () => {
  it('is named with the folder that blocks it and what to do, instead of a bare initdb EACCES', () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'private-home-'));
    fs.chmodSync(home, 0o700);
    const dataDir = path.join(home, 'clone', '.data', 'demo-pg');
    fs.mkdirSync(dataDir, { recursive: true });
    expect(() => assertTraversable(dataDir)).toThrow(new RegExp(`${home} is not traversable by other users \\(mode 700\\).*DATA_DIR`));
    fs.chmodSync(home, 0o755);
    expect(() => assertTraversable(dataDir)).not.toThrow();
    fs.rmSync(home, { recursive: true });
  });
});
