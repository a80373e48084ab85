import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import pg from 'pg';
import { isAlive, postmasterPidOf as postmasterPid, sleep, stopPostgresOf, waitUntilDead } from '@agent-platform/infra/testing';

/**
 * `npm start` as a user runs it: the real entry point in its own process, on a fresh data directory, with the
 * embedded PostgreSQL. The entry point runs from source through tsx, so no build is needed.
 */
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ENTRY_POINT = path.join(REPO_ROOT, 'scripts', 'src', 'start.ts');


const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });

type Exit = { code: number | null; signal: NodeJS.Signals | null };

type Server = {
  child: ChildProcess;
  output: () => { stdout: string; stderr: string };
  exited: Promise<Exit>;
};

/** Rejects after `ms` so that a hanging step fails the test instead of the whole run. */
const within = <T>(ms: number, what: string, promise: Promise<T>): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
    }),
  ]);
};

describe('npm start (scripts/src/start.ts in a child process)', function () {
  this.timeout(180_000);

  let dirs: string[] = [];
  let servers: Server[] = [];

  const freshDataDir = async (): Promise<string> => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ap-start-spec-'));
    await fs.chmod(dir, 0o755); // PostgreSQL runs as the `postgres` user when we are root
    dirs.push(dir);
    return path.join(dir, 'data');
  };

  /** The environment of a user's shell without any AGENT_PLATFORM_* of ours, so that nothing leaks in. */
  const environment = (env: Record<string, string>): NodeJS.ProcessEnv => {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AGENT_PLATFORM_')));
    return { ...clean, AGENT_PLATFORM_HOST: '127.0.0.1', AGENT_PLATFORM_EMBEDDED_DB_PORT: '0', AGENT_PLATFORM_LOG_LEVEL: 'info', ...env };
  };

  const launch = (env: Record<string, string>): Server => {
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', ENTRY_POINT], {
      cwd: REPO_ROOT,
      env: environment(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    const server = { child, output: () => ({ stdout, stderr }), exited };
    servers.push(server);
    return server;
  };

  /** Resolves once the server logs that it listens; rejects if it exits first. */
  const listening = async (server: Server): Promise<void> => {
    const ready = (async () => {
      for (;;) {
        if (/agent-platform listening on/.test(server.output().stdout)) return;
        if (server.child.exitCode !== null || server.child.signalCode !== null) {
          const { stdout, stderr } = server.output();
          throw new Error(`the server exited before listening:\n${stdout}\n${stderr}`);
        }
        await sleep(50);
      }
    })();
    await within(90_000, 'the server listening', ready);
  };

  const startServer = async (dataDir: string): Promise<{ server: Server; base: string }> => {
    const port = await freePort();
    const server = launch({ AGENT_PLATFORM_DATA_DIR: dataDir, AGENT_PLATFORM_PORT: String(port) });
    await listening(server);
    return { server, base: `http://127.0.0.1:${port}` };
  };

  const kill9 = async (server: Server): Promise<void> => {
    if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
    await server.exited;
  };

  /** The exit of a process that is expected to exit by itself. */
  const exitOf = (server: Server): Promise<Exit> => within(60_000, 'the process exiting', server.exited);

  beforeEach(() => {
    dirs = [];
    servers = [];
  });

  afterEach(async function () {
    this.timeout(60_000);
    for (const server of servers) await kill9(server);
    // PostgreSQL outlives a killed owner: stop whatever still runs on this test's data directories.
    for (const dir of dirs) {
      await stopPostgresOf(path.join(dir, 'data'));
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('prints the psql URL of the embedded database on stderr, never its password in the log, and answers GET /health', async () => {
    const dataDir = await freshDataDir();
    const { server, base } = await startServer(dataDir);

    const { stdout, stderr } = server.output();
    const match = /^embedded PostgreSQL: psql '(postgres:\/\/[^\s']+)'$/m.exec(stderr);
    expect(match, `no psql URL on stderr:\n${stderr}`).not.to.equal(null);
    const password = (await fs.readFile(path.join(dataDir, 'postgres-password'), 'utf8')).trim();
    expect(decodeURIComponent(new URL(match![1]!).password)).to.equal(password);
    expect(stdout, 'the structured log').to.match(/embedded PostgreSQL ready/).and.not.to.contain(password);
    const client = new pg.Client({ connectionString: match![1] });
    await client.connect();
    try {
      expect((await client.query('SELECT 1 AS one')).rows).to.deep.equal([{ one: 1 }]);
    } finally {
      await client.end();
    }

    const health = await fetch(`${base}/health`);
    expect(health.status).to.equal(200);
    expect(await health.json()).to.deep.equal({ status: 'ok' });
  });

  it('refuses a second start on the same data directory with one line saying it is in use; the first keeps serving', async () => {
    const dataDir = await freshDataDir();
    const first = await startServer(dataDir);

    const second = launch({ AGENT_PLATFORM_DATA_DIR: dataDir, AGENT_PLATFORM_PORT: String(await freePort()) });
    const exit = await exitOf(second);
    expect(exit.code, JSON.stringify(second.output())).to.be.a('number').and.not.equal(0);
    const lines = second.output().stderr.split('\n').filter((line) => line.trim() !== '');
    expect(lines, second.output().stderr).to.have.length(1);
    expect(lines[0]).to.contain('in use');
    expect(lines[0]).to.contain(dataDir);

    const health = await fetch(`${first.base}/health`);
    expect(health.status).to.equal(200);
    const created = await fetch(`${first.base}/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ app_id: 'a', user_id: 'u', channel_type: 'web' }),
    });
    expect(created.status).to.equal(201);
  });

  it('refuses AGENT_PLATFORM_PORT=abc with one line naming the variable and no stack trace', async () => {
    const dataDir = await freshDataDir();
    const server = launch({ AGENT_PLATFORM_DATA_DIR: dataDir, AGENT_PLATFORM_PORT: 'abc' });
    const exit = await exitOf(server);
    expect(exit.code).to.be.a('number').and.not.equal(0);
    const { stderr } = server.output();
    const lines = stderr.split('\n').filter((line) => line.trim() !== '');
    expect(lines, stderr).to.have.length(1);
    expect(lines[0]).to.contain('AGENT_PLATFORM_PORT');
    expect(stderr).not.to.match(/^\s+at /m);
    // Nothing was started for a configuration that is refused.
    expect(await postmasterPid(dataDir)).to.equal(undefined);
  });

  it('starts again after the server was killed with SIGKILL, and what was written before is still readable', async () => {
    const dataDir = await freshDataDir();
    const first = await startServer(dataDir);
    const created = await fetch(`${first.base}/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ app_id: 'a', user_id: 'u', channel_type: 'web' }),
    });
    expect(created.status).to.equal(201);
    const { id, position } = (await created.json()) as { id: string; position: number | string };
    expect(id).to.be.a('string');

    await kill9(first.server);
    const second = await startServer(dataDir);
    const read = await fetch(`${second.base}/sessions/${id}`, { headers: { 'x-min-position': String(position) } });
    expect(read.status, await read.clone().text()).to.equal(200);
    const session = (await read.json()) as Record<string, unknown>;
    expect(session).to.include({ app_id: 'a', user_id: 'u', channel_type: 'web' });
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`exits 0 on ${signal} and leaves no PostgreSQL running for its data directory`, async () => {
      const dataDir = await freshDataDir();
      const { server } = await startServer(dataDir);
      const pid = await postmasterPid(dataDir);
      expect(pid).to.be.a('number');
      expect(isAlive(pid!)).to.equal(true);

      server.child.kill(signal);
      const exit = await exitOf(server);
      const { stdout, stderr } = server.output();
      expect(exit, `${stdout}\n${stderr}`).to.deep.equal({ code: 0, signal: null });
      expect(await waitUntilDead(pid!, 5_000), 'PostgreSQL still runs').to.equal(true);
      await fs.access(path.join(dataDir, 'agent-platform.lock')).then(
        () => expect.fail('the lock file is still there'),
        () => undefined,
      );
      // An orderly shutdown: nothing warns or fails on the way (e.g. connections cut by PostgreSQL stopping first).
      const complaints = stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { level: number; msg: string })
        .filter((entry) => entry.level >= 40);
      expect(complaints).to.deep.equal([]);
      expect(stderr).to.match(/^embedded PostgreSQL: psql '\S+'\n$/);
    });
  }
});
