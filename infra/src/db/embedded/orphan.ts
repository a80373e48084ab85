import fs from 'node:fs/promises';
import path from 'node:path';
import { DataDirInUseError } from '../../errors.js';
import { stopOrphanedBackends } from './backends.js';
import { commandOf, isAlive, waitUntilDead } from './processes.js';

/** The pid on the first line of `postmaster.pid`, or 0. */
export const postmasterPid = async (pgData: string): Promise<number> => {
  const pidFile = await fs.readFile(path.join(pgData, 'postmaster.pid'), 'utf8').catch(() => undefined);
  const pid = pidFile ? Number.parseInt(pidFile.split('\n')[0] ?? '', 10) : 0;
  return Number.isInteger(pid) && pid > 0 ? pid : 0;
};

/** Whether `pid` runs PostgreSQL; where /proc is missing (macOS), any live process is taken for it. */
const isPostgres = async (pid: number): Promise<boolean> => {
  const command = await commandOf(pid);
  return command === undefined ? isAlive(pid) : command === 'postgres';
};

/** A platform killed with SIGKILL leaves its PostgreSQL running: stop it cleanly before starting our own. */
export const stopOrphan = async (pgData: string): Promise<void> => {
  const pid = await postmasterPid(pgData);
  if (!pid) return;
  if (!isAlive(pid)) {
    // Killed with its owner's process group, the postmaster may linger as a zombie, which PostgreSQL's own check
    // (`kill(pid, 0)`) takes for a running server: its postmaster.pid is stale, and would keep ours from starting.
    await fs.rm(path.join(pgData, 'postmaster.pid'), { force: true });
    await stopOrphanedBackends(pgData);
    return;
  }
  if (!(await isPostgres(pid))) {
    // After a restart of the machine or container, the pid of a dead postmaster may belong to another program:
    // never signal it. PostgreSQL would refuse to start beside its stale postmaster.pid, which is certainly stale.
    await fs.rm(path.join(pgData, 'postmaster.pid'), { force: true });
    return;
  }
  process.kill(pid, 'SIGINT'); // fast shutdown: rolls back open transactions, checkpoints, exits
  if (!(await waitUntilDead(pid, 30_000))) throw new DataDirInUseError(`PostgreSQL (pid ${pid}) on ${pgData} did not stop`);
};
