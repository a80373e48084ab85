import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { postmasterPid } from '../db/embedded/orphan.js';
import { isAlive, stateOf, waitUntilDead } from '../db/embedded/processes.js';

export { isAlive, stateOf, waitUntilDead };

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The pid of the PostgreSQL an embedded database runs under `dataDir`, or undefined. */
export const postmasterPidOf = async (dataDir: string): Promise<number | undefined> =>
  (await postmasterPid(path.join(dataDir, 'postgres'))) || undefined;

/** PostgreSQL outlives a killed owner: a test stops whatever still runs on its data directory. */
export const stopPostgresOf = async (dataDir: string): Promise<void> => {
  const pid = await postmasterPidOf(dataDir);
  if (!pid || !isAlive(pid)) return;
  process.kill(pid, 'SIGINT');
  if (!(await waitUntilDead(pid, 10_000))) process.kill(pid, 'SIGKILL');
  await waitUntilDead(pid, 5_000);
};

/**
 * A process that has exited but is never waited for: a zombie, as a SIGKILL to a process group leaves its members
 * under a PID 1 that reaps nothing. `name` is its command name (a symlink to `sleep` of that name). Its parent is a
 * `sleep` that never waits; `dispose` kills it, and the zombie is reaped then.
 */
export const spawnZombie = async (name = 'sleep'): Promise<{ pid: number; dispose: () => Promise<void> }> => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ap-zombie-'));
  const sleeper = execFileSync('sh', ['-c', 'command -v sleep'], { encoding: 'utf8' }).trim();
  await fs.symlink(sleeper, path.join(dir, name));
  const parent = spawn('sh', ['-c', '"$0" 0 & echo $!; exec sleep 60', path.join(dir, name)], { stdio: ['ignore', 'pipe', 'ignore'] });
  const dispose = async () => {
    parent.kill('SIGKILL');
    await fs.rm(dir, { recursive: true, force: true });
  };
  const pid = Number(await new Promise<string>((resolve) => parent.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString()))));
  for (const deadline = Date.now() + 5_000; ; await sleep(10)) {
    const state = stateOf(pid);
    if (state === 'Z') return { pid, dispose };
    if (Date.now() > deadline) {
      await dispose();
      throw new Error(`no zombie: process ${pid} is in state ${state ?? '(gone)'}`);
    }
  }
};
