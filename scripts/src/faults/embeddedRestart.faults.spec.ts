import { existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { stateOf, stopPostgresOf } from '@agent-platform/infra/testing';
import { ENTRY_POINT, REPO_ROOT, environment, spawnTs, waitUntil, type Child } from './children.js';
import { cleanups } from './fixtures.js';

const RESTART_WITHIN_MS = 20_000;
const LISTENING = /agent-platform listening on (http:\/\/[\w.:[\]]+)/;

/**
 * `setsid npm start`, then SIGKILL to its process group: the platform and its PostgreSQL die together, and the
 * platform stays a zombie while its parent lives without reaping it (as under a PID 1 that reaps nothing). The next
 * `npm start` on that data directory must start, and one beside it must still be refused.
 */
describe('fault: the embedded platform is killed with SIGKILL to its process group', function () {
  this.timeout(180_000);
  before(function () {
    if (!existsSync('/proc/self/stat')) this.skip(); // zombies and start times are read from /proc (Linux)
  });
  const after = cleanups();
  afterEach(async function () {
    this.timeout(60_000);
    await after.run();
  });

  it('starts again within seconds on the data directory a zombie platform held, and refuses a second start beside the live one', async () => {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'ap-embedded-restart-'));
    await fs.chmod(root, 0o755); // PostgreSQL runs as the `postgres` user when we are root
    const dataDir = path.join(root, 'data');
    after.add(() => fs.rm(root, { recursive: true, force: true }));
    after.add(() => stopPostgresOf(dataDir));
    const env = { AGENT_PLATFORM_DATA_DIR: dataDir, AGENT_PLATFORM_EMBEDDED_DB_PORT: '0', AGENT_PLATFORM_PORT: '0', AGENT_PLATFORM_HOST: '127.0.0.1' };

    // sh starts the platform in a session of its own, then becomes `sleep`, a parent that never waits for it.
    const holder = spawn('sh', ['-c', 'setsid "$0" --conditions=source --import tsx "$1" & echo "platform pid $!"; exec sleep 600', process.execPath, ENTRY_POINT], {
      cwd: REPO_ROOT,
      env: environment(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    after.add(async () => void holder.kill('SIGKILL'));
    let output = '';
    holder.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    holder.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await waitUntil(() => `the first platform listening:\n${output.slice(-4_000)}`, () => LISTENING.test(output), 90_000);
    const pid = Number(/platform pid (\d+)/.exec(output)![1]);
    const firstUrl = LISTENING.exec(output)![1]!;
    const created = await fetch(`${firstUrl}/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ app_id: 'a', user_id: 'u', channel_type: 'web' }),
    });
    expect(created.status).to.equal(201);
    const { id, position } = (await created.json()) as { id: string; position: number };

    const killedAt = Date.now();
    process.kill(-pid, 'SIGKILL');
    await waitUntil('the killed platform a zombie', () => stateOf(pid) === 'Z', 10_000);
    expect((await fs.readFile(path.join(dataDir, 'agent-platform.lock'), 'utf8')).split('\n')[0], 'the lock names the zombie').to.equal(String(pid));

    const restarted = spawnTs('restarted', ENTRY_POINT, [], env);
    await restarted.waitForOutput(LISTENING, RESTART_WITHIN_MS);
    const restartMs = Date.now() - killedAt;
    const url = LISTENING.exec(restarted.output())![1]!;
    const read = await fetch(`${url}/sessions/${id}`, { headers: { 'x-min-position': String(position) } });
    expect(read.status, 'the session written before the kill').to.equal(200);
    expect(stateOf(pid), 'the zombie is still there').to.equal('Z');

    const beside: Child = spawnTs('beside', ENTRY_POINT, [], env);
    const exit = await beside.exited;
    expect(exit.code, beside.output()).to.equal(1);
    expect(beside.output()).to.contain('in use').and.to.contain(`pid ${restarted.pid}`);
    expect((await fetch(`${url}/health`)).status, 'the live platform keeps serving').to.equal(200);
    console.log(`      listening again ${restartMs} ms after the SIGKILL to the group (bound ${RESTART_WITHIN_MS} ms)`);
  });
});
