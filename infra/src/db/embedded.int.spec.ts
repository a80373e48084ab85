import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect } from 'chai';
import pg from 'pg';
import { DataDirInUseError, DataDirUnusableError } from '../errors.js';
import { startEmbeddedDatabase, type EmbeddedDatabase } from './embedded.js';
import { isAlive, postmasterPidOf as postmasterPid, stopPostgresOf, waitUntilDead } from '../testing/processes.js';

const EMBEDDED_MODULE = pathToFileURL(fileURLToPath(new URL('./embedded.ts', import.meta.url))).href;
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));


const query = async (url: string, sql: string, params: unknown[] = []): Promise<Record<string, unknown>[]> => {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows;
  } finally {
    await client.end();
  }
};

/** Rejects after `ms` so that a hanging step fails the test instead of the whole run. */
const within = <T>(ms: number, what: string, promise: Promise<T>): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
    }),
  ]);
};

/** A pid that certainly belonged to a process that has exited. */
const deadPid = async (): Promise<number> => {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  const pid = child.pid!;
  await new Promise((resolve) => child.once('exit', resolve));
  return pid;
};

describe('startEmbeddedDatabase', function () {
  this.timeout(120_000);

  let dirs: string[] = [];
  let handles: EmbeddedDatabase[] = [];
  let children: ChildProcess[] = [];

  /** A fresh data directory. mkdtemp makes it 0700; PostgreSQL runs as the `postgres` user when we are root and must reach it. */
  const freshDataDir = async (): Promise<string> => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ap-embedded-spec-'));
    await fs.chmod(dir, 0o755);
    dirs.push(dir);
    return path.join(dir, 'data');
  };

  const start = async (dataDir: string): Promise<EmbeddedDatabase> => {
    const db = await startEmbeddedDatabase({ dataDir, port: 0 });
    handles.push(db);
    return db;
  };

  /**
   * Another agent-platform process that owns `dataDir`: it starts the embedded database, prints its URL and
   * waits to be killed.
   */
  const startInChildProcess = async (dataDir: string): Promise<{ child: ChildProcess; url: string }> => {
    const script = [
      `const { startEmbeddedDatabase } = await import(${JSON.stringify(EMBEDDED_MODULE)});`,
      `const db = await startEmbeddedDatabase({ dataDir: process.env.SPEC_DATA_DIR, port: 0 });`,
      `process.stdout.write('URL ' + db.url + '\\n');`,
      `setInterval(() => undefined, 60_000);`,
    ].join('\n');
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: REPO_ROOT,
      env: { ...process.env, SPEC_DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let output = '';
    const url = await within(
      60_000,
      'the child process starting the embedded database',
      new Promise<string>((resolve, reject) => {
        const onData = (chunk: Buffer) => {
          output += chunk.toString();
          const match = /^URL (\S+)$/m.exec(output);
          if (match) resolve(match[1]!);
        };
        child.stdout!.on('data', onData);
        child.stderr!.on('data', onData);
        child.once('exit', (code, signal) => reject(new Error(`child exited (${code ?? signal}) before starting: ${output}`)));
      }),
    );
    return { child, url };
  };

  const kill9 = async (child: ChildProcess): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  };

  beforeEach(() => {
    dirs = [];
    handles = [];
    children = [];
  });

  afterEach(async function () {
    this.timeout(60_000);
    for (const child of children) await kill9(child);
    for (const db of handles) await within(15_000, 'stop()', db.stop()).catch(() => undefined);
    // Whatever is still running on the test's data directories (orphans, a failed test's leftovers) is stopped.
    for (const dir of dirs) {
      await stopPostgresOf(path.join(dir, 'data'));
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('starts a real PostgreSQL that answers SELECT 1 at the returned url', async () => {
    const dataDir = await freshDataDir();
    const db = await start(dataDir);
    expect(db.url).to.match(/^postgres:\/\/[^@]+@127\.0\.0\.1:\d+\/agent_platform$/);
    expect(db.port).to.be.greaterThan(0);
    expect(db.url).to.contain(`:${db.port}/`);
    expect(db.dataDir).to.equal(path.resolve(dataDir));
    expect(await query(db.url, 'SELECT 1 AS one')).to.deep.equal([{ one: 1 }]);
    expect(await query(db.adminUrl, 'SELECT current_database() AS name')).to.deep.equal([{ name: 'postgres' }]);
    expect(await fs.readFile(path.join(dataDir, 'postgres', 'PG_VERSION'), 'utf8')).to.match(/^\d+/);
    expect((await fs.readFile(path.join(dataDir, 'agent-platform.lock'), 'utf8')).split('\n')[0]).to.equal(String(process.pid));
  });

  it('stop() stops PostgreSQL and releases the data directory', async () => {
    const dataDir = await freshDataDir();
    const db = await start(dataDir);
    const pid = (await postmasterPid(dataDir))!;
    expect(isAlive(pid)).to.equal(true);
    await within(15_000, 'stop()', db.stop());
    expect(isAlive(pid)).to.equal(false);
    await fs.access(path.join(dataDir, 'agent-platform.lock')).then(
      () => expect.fail('the lock file is still there'),
      () => undefined,
    );
  });

  it('keeps committed data across stop and start', async () => {
    const dataDir = await freshDataDir();
    const first = await start(dataDir);
    await query(first.url, 'CREATE TABLE notes (id int PRIMARY KEY, body text NOT NULL)');
    await query(first.url, "INSERT INTO notes VALUES (1, 'kept')");
    await first.stop();

    const second = await start(dataDir);
    expect(await query(second.url, 'SELECT id, body FROM notes')).to.deep.equal([{ id: 1, body: 'kept' }]);
  });

  /** The password in a URL, and the refusal of a connection with another one. */
  const passwordIn = (url: string): string => decodeURIComponent(new URL(url).password);
  const refusedWith = async (url: string, password: string): Promise<string | undefined> => {
    const other = new URL(url);
    other.password = password;
    return query(other.href, 'SELECT 1').then(
      () => undefined,
      (error: { code?: string }) => error.code,
    );
  };

  it('keeps a random password in a 0600 file of the data directory, another for each directory, the same after a restart', async () => {
    const [dirA, dirB] = [await freshDataDir(), await freshDataDir()];
    const first = await start(dirA);
    const file = path.join(dirA, 'postgres-password');
    expect((await fs.stat(file)).mode & 0o777).to.equal(0o600);
    const password = (await fs.readFile(file, 'utf8')).trim();
    expect(password).to.match(/^[\w-]{32}$/);
    expect(passwordIn(first.url)).to.equal(password);
    expect(passwordIn(first.adminUrl)).to.equal(password);
    expect(await refusedWith(first.adminUrl, 'agent-platform'), 'the former fixed password').to.equal('28P01');
    await first.stop();

    const again = await start(dirA);
    expect(passwordIn(again.url)).to.equal(password);
    expect(await query(again.url, 'SELECT 1 AS one')).to.deep.equal([{ one: 1 }]);
    const other = await start(dirB);
    expect(passwordIn(other.url)).to.match(/^[\w-]{32}$/).and.not.equal(password);
  });

  it('replaces the fixed password of a data directory made before the password file with a random one', async () => {
    const dataDir = await freshDataDir();
    const first = await start(dataDir);
    await query(first.url, 'CREATE TABLE notes (id int PRIMARY KEY)');
    // As every data directory was left before: the role's password the fixed one, and no password file.
    await query(first.adminUrl, "ALTER ROLE postgres PASSWORD 'agent-platform'");
    await first.stop();
    await fs.rm(path.join(dataDir, 'postgres-password'));

    const db = await start(dataDir);
    const password = (await fs.readFile(path.join(dataDir, 'postgres-password'), 'utf8')).trim();
    expect(password).to.match(/^[\w-]{32}$/);
    expect(passwordIn(db.url)).to.equal(password);
    expect(await query(db.url, 'SELECT count(*)::int AS n FROM notes')).to.deep.equal([{ n: 0 }]);
    expect(await refusedWith(db.adminUrl, 'agent-platform'), 'the former fixed password').to.equal('28P01');
  });

  it('refuses a second start on the same data directory while the first runs, and the first keeps working', async () => {
    const dataDir = await freshDataDir();
    const first = await start(dataDir);
    const pid = await postmasterPid(dataDir);

    let refused: unknown;
    try {
      await start(dataDir);
    } catch (error) {
      refused = error;
    }
    expect(refused).to.be.instanceOf(DataDirInUseError);
    expect((refused as Error).message).to.contain('in use');

    expect(await postmasterPid(dataDir)).to.equal(pid);
    expect(await query(first.url, 'SELECT 1 AS one')).to.deep.equal([{ one: 1 }]);
    expect((await fs.readFile(path.join(dataDir, 'agent-platform.lock'), 'utf8')).split('\n')[0]).to.equal(String(process.pid));

    await first.stop();
    const again = await start(dataDir);
    expect(await query(again.url, 'SELECT 1 AS one')).to.deep.equal([{ one: 1 }]);
  });

  it('refuses concurrent starts on the same data directory in one process: exactly one wins', async () => {
    const dataDir = await freshDataDir();
    const outcomes = await Promise.allSettled([start(dataDir), start(dataDir)]);
    const won = outcomes.filter((o) => o.status === 'fulfilled');
    const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(won).to.have.length(1);
    expect(lost).to.have.length(1);
    expect(lost[0]!.reason).to.be.instanceOf(DataDirInUseError);
    const winner = (won[0] as PromiseFulfilledResult<EmbeddedDatabase>).value;
    expect(await query(winner.url, 'SELECT 1 AS one')).to.deep.equal([{ one: 1 }]);
  });

  it('refuses a start while another live process owns the data directory', async () => {
    const dataDir = await freshDataDir();
    const owner = await startInChildProcess(dataDir);

    let refused: unknown;
    try {
      await start(dataDir);
    } catch (error) {
      refused = error;
    }
    expect(refused).to.be.instanceOf(DataDirInUseError);
    expect((refused as Error).message).to.contain(String(owner.child.pid));
    expect(await query(owner.url, 'SELECT 1 AS one')).to.deep.equal([{ one: 1 }]);
  });

  it('takes over a stale lock file whose owner is dead', async () => {
    const dataDir = await freshDataDir();
    await fs.mkdir(dataDir, { recursive: true });
    const lock = path.join(dataDir, 'agent-platform.lock');
    await fs.writeFile(lock, String(await deadPid()));

    const db = await start(dataDir);
    expect(await query(db.url, 'SELECT 1 AS one')).to.deep.equal([{ one: 1 }]);
    expect((await fs.readFile(lock, 'utf8')).split('\n')[0]).to.equal(String(process.pid));
  });

  it('takes over a lock file that holds no pid', async () => {
    const dataDir = await freshDataDir();
    await fs.mkdir(dataDir, { recursive: true });
    await fs.writeFile(path.join(dataDir, 'agent-platform.lock'), '');

    const db = await start(dataDir);
    expect(await query(db.url, 'SELECT 1 AS one')).to.deep.equal([{ one: 1 }]);
  });

  it('never signals a live process that is not PostgreSQL named by a stale postmaster.pid', async () => {
    const dataDir = await freshDataDir();
    const first = await start(dataDir);
    await query(first.url, 'CREATE TABLE notes (id int PRIMARY KEY)');
    await first.stop();
    // After a reboot, the pid of the dead postmaster may belong to another program.
    const bystander = spawn(process.execPath, ['-e', 'setInterval(() => undefined, 60_000)'], { stdio: 'ignore' });
    children.push(bystander);
    await fs.writeFile(path.join(dataDir, 'postgres', 'postmaster.pid'), `${bystander.pid}\n${path.join(dataDir, 'postgres')}\n`);

    const db = await start(dataDir);
    expect(await query(db.url, 'SELECT count(*)::int AS n FROM notes')).to.deep.equal([{ n: 0 }]);
    expect(isAlive(bystander.pid!), 'the bystander was not signalled').to.equal(true);
    expect(bystander.exitCode).to.equal(null);
    expect(bystander.signalCode).to.equal(null);
  });

  it('stops the PostgreSQL orphaned by an owner killed with SIGKILL and starts its own, with committed data intact', async () => {
    const dataDir = await freshDataDir();
    const owner = await startInChildProcess(dataDir);
    await query(owner.url, 'CREATE TABLE notes (id int PRIMARY KEY, body text NOT NULL)');
    await query(owner.url, "INSERT INTO notes VALUES (1, 'before the owner died')");
    const orphan = (await postmasterPid(dataDir))!;

    await kill9(owner.child);
    expect(isAlive(orphan), 'the orphaned PostgreSQL still runs').to.equal(true);
    expect(await query(owner.url, 'SELECT count(*)::int AS n FROM notes')).to.deep.equal([{ n: 1 }]);

    const db = await start(dataDir);
    expect(isAlive(orphan), 'the orphan was stopped').to.equal(false);
    const replacement = await postmasterPid(dataDir);
    expect(replacement).to.be.a('number').and.not.equal(orphan);
    expect(isAlive(replacement!)).to.equal(true);
    expect(await query(db.url, 'SELECT id, body FROM notes')).to.deep.equal([{ id: 1, body: 'before the owner died' }]);
    expect((await fs.readFile(path.join(dataDir, 'agent-platform.lock'), 'utf8')).split('\n')[0]).to.equal(String(process.pid));
  });

  it('stops its PostgreSQL when its process gets a SIGTERM that the application does not handle', async () => {
    const dataDir = await freshDataDir();
    const owner = await startInChildProcess(dataDir);
    const pid = (await postmasterPid(dataDir))!;
    const exited = new Promise<NodeJS.Signals | null>((resolve) => owner.child.once('exit', (_code, signal) => resolve(signal)));
    owner.child.kill('SIGTERM');
    expect(await within(30_000, 'the owner exiting', exited)).to.equal('SIGTERM');
    expect(await waitUntilDead(pid, 10_000), 'PostgreSQL was stopped').to.equal(true);
    await fs.access(path.join(dataDir, 'agent-platform.lock')).then(
      () => expect.fail('the lock file is still there'),
      () => undefined,
    );
  });

  it('recovers after PostgreSQL itself is killed with SIGKILL, keeping the committed row', async () => {
    const dataDir = await freshDataDir();
    const first = await start(dataDir);
    await query(first.url, 'CREATE TABLE notes (id int PRIMARY KEY, body text NOT NULL)');
    await query(first.url, "INSERT INTO notes VALUES (1, 'committed')");
    const pid = (await postmasterPid(dataDir))!;

    process.kill(pid, 'SIGKILL');
    expect(await waitUntilDead(pid, 10_000)).to.equal(true);
    // The owner notices nothing yet; stopping it must not hang on a server that is already gone.
    await within(15_000, 'stop() after PostgreSQL died', first.stop());

    const second = await start(dataDir);
    expect(await query(second.url, 'SELECT id, body FROM notes')).to.deep.equal([{ id: 1, body: 'committed' }]);
    await query(second.url, "INSERT INTO notes VALUES (2, 'after recovery')");
    expect(await query(second.url, 'SELECT count(*)::int AS n FROM notes')).to.deep.equal([{ n: 2 }]);
  });

  it('starts again beside a backend that outlived its postmaster, killed with SIGKILL, in an endless statement: the backend is stopped first', async () => {
    const dataDir = await freshDataDir();
    const first = await start(dataDir);
    const busy = new pg.Client({ connectionString: first.url });
    busy.on('error', () => undefined);
    await busy.connect();
    const backend = (await busy.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    void busy.query('DO $$ BEGIN LOOP PERFORM 1; END LOOP; END $$').catch(() => undefined);
    try {
      const postmaster = (await postmasterPid(dataDir))!;
      process.kill(postmaster, 'SIGKILL');
      expect(await waitUntilDead(postmaster, 10_000)).to.equal(true);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(isAlive(backend), 'the backend runs on without its postmaster').to.equal(true);
      await within(15_000, 'stop() after PostgreSQL died', first.stop());

      const second = await start(dataDir);
      expect(isAlive(backend), 'the orphaned backend').to.equal(false);
      expect(await query(second.url, 'SELECT 1 AS one')).to.deep.equal([{ one: 1 }]);
    } finally {
      if (isAlive(backend)) process.kill(backend, 'SIGKILL'); // it would loop for ever
      await busy.end().catch(() => undefined);
    }
  });

  // Only root hands the server to another user, whom a directory can shut out: as anyone else there is nothing to test.
  const asRoot = process.getuid?.() === 0 ? it : undefined;
  asRoot?.('opens a data directory that only its owner may enter, and names a parent that shuts PostgreSQL out', async () => {
    const dataDir = await freshDataDir();
    const parent = path.dirname(dataDir);
    await fs.mkdir(dataDir, { mode: 0o700 });
    const db = await start(dataDir);
    expect(await query(db.url, 'SELECT 1 AS one')).to.deep.equal([{ one: 1 }]);
    await db.stop();

    await fs.chmod(parent, 0o700);
    const refused = await start(path.join(parent, 'other')).catch((e) => e);
    await fs.chmod(parent, 0o755);
    expect(refused).to.be.instanceOf(DataDirUnusableError);
    expect(refused.message).to.include(parent);
  });
});
