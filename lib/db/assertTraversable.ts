import fs from 'node:fs';
import path from 'node:path';

/**
 * As root the server runs as the `postgres` OS user, which must be able to reach the data
 * directory: a clone under a 0700 home would otherwise fail with a bare `initdb EACCES`.
 */
export function assertTraversable(dir: string): void {
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    const { mode } = fs.statSync(current);
    if ((mode & 0o001) === 0) {
      throw new Error(
        `the embedded PostgreSQL runs as the "postgres" OS user, which cannot reach ${dir}: ${current} is not traversable by other users ` +
          `(mode ${(mode & 0o777).toString(8)}). Set DATA_DIR to a directory it can reach (for example under /tmp), chmod o+x ${current}, or set DATABASE_URL.`,
      );
    }
    if (current === path.dirname(current)) return;
  }
}
