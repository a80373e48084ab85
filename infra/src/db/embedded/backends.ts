import fs from 'node:fs/promises';
import { DataDirInUseError } from '../../errors.js';
import { commandOf, isAlive, waitUntilDead } from './processes.js';

/** Live `postgres` processes whose working directory is `pgData` (every server process works there); none without /proc. */
const serverProcessesIn = async (pgData: string): Promise<number[]> => {
  const dir = await fs.realpath(pgData).catch(() => pgData);
  const pids = (await fs.readdir('/proc').catch(() => [])).filter((entry) => /^\d+$/.test(entry)).map(Number);
  const found: number[] = [];
  for (const pid of pids) {
    if (pid === process.pid) continue;
    const cwd = await fs.readlink(`/proc/${pid}/cwd`).catch(() => undefined); // another user's: not readable, not ours
    if (cwd === dir && (await commandOf(pid)) === 'postgres' && isAlive(pid)) found.push(pid);
  }
  return found;
};

/**
 * Stops the server processes that outlived their postmaster, killed with SIGKILL. Each runs in a session of its
 * own, so a SIGKILL to the platform's process group misses them; an idle one exits when it sees the postmaster
 * gone, but one in a long statement runs on, holding the shared memory, and PostgreSQL refuses to start beside it
 * ("pre-existing shared memory block is still in use"). SIGTERM ends a statement at its next interrupt check.
 */
export const stopOrphanedBackends = async (pgData: string): Promise<void> => {
  const orphans = await serverProcessesIn(pgData);
  const allDeadWithin = async (ms: number) => (await Promise.all(orphans.map((pid) => waitUntilDead(pid, ms)))).every(Boolean);
  for (const pid of orphans) process.kill(pid, 'SIGTERM');
  if (await allDeadWithin(5_000)) return;
  for (const pid of orphans.filter((p) => isAlive(p))) process.kill(pid, 'SIGKILL');
  if (!(await allDeadWithin(5_000))) throw new DataDirInUseError(`PostgreSQL processes ${orphans.join(', ')} on ${pgData} did not stop`);
};
