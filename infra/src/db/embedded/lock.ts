import fs from 'node:fs/promises';
import path from 'node:path';
import { DataDirInUseError } from '../../errors.js';
import { isAlive, startTimeOf } from './processes.js';

const LOCK_FILE = 'agent-platform.lock';
/** Data directories this process holds: a second start in the same process is refused like one from another process. */
const held = new Set<string>();

/**
 * The lock file holds the owner's pid on its first line and, where /proc exists, the owner's start time on the
 * second: a pid alone may name another process after the owner died (a restarted container hands out the same pids).
 */
const lockText = (): string => `${process.pid}\n${startTimeOf(process.pid) ?? ''}\n`;

const ownerOf = (text: string): { pid: number; startedAt: string | undefined } => {
  const [pid, startedAt] = text.split('\n');
  return { pid: Number.parseInt(pid ?? '', 10), startedAt: startedAt?.trim() || undefined };
};

/**
 * Takes the data directory for this process. A live owner means another agent-platform runs on it: refuse,
 * rather than start a second server on the same files. A dead owner (killed with SIGKILL) may have left its
 * PostgreSQL running as an orphan: stop it cleanly before starting our own.
 */
export const takeLock = async (dir: string): Promise<() => Promise<void>> => {
  // Checked and taken before any await, so that two concurrent starts in one process cannot both pass.
  if (held.has(dir)) {
    throw new DataDirInUseError(`data directory ${dir} is in use by this process (pid ${process.pid}); stop its database first`);
  }
  held.add(dir);
  try {
    return await takeLockFile(dir);
  } catch (error) {
    held.delete(dir);
    throw error;
  }
};

const takeLockFile = async (dir: string): Promise<() => Promise<void>> => {
  const lockPath = path.join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await fs.open(lockPath, 'wx');
      await handle.writeFile(lockText());
      await handle.close();
      return async () => {
        await fs.rm(lockPath, { force: true });
        held.delete(dir);
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = ownerOf(await fs.readFile(lockPath, 'utf8').catch(() => ''));
      // Our own pid in the lock file is a stale lock whose pid was reused (containers restart with the same pids):
      // a live hold by this process is in `held`. An owner killed with SIGKILL may linger as a zombie: dead.
      if (owner.pid && owner.pid !== process.pid && isAlive(owner.pid, owner.startedAt)) {
        throw new DataDirInUseError(
          `data directory ${dir} is in use by another agent-platform process (pid ${owner.pid}); stop it or set AGENT_PLATFORM_DATA_DIR`,
        );
      }
      await fs.rm(lockPath, { force: true });
    }
  }
  throw new DataDirInUseError(`could not lock data directory ${dir}`);
};
