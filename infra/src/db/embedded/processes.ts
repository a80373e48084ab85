import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';

/**
 * The fields of `/proc/<pid>/stat` from the state on (field 3), or undefined where /proc does not show the process.
 * The command name before them may hold spaces and parentheses, so they start after its last `)`.
 */
const statOf = (pid: number): string[] | undefined => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
};

/** The process's state letter (field 3 of `/proc/<pid>/stat`: `R`, `S`, `Z` for a zombie …); undefined without /proc or once it is gone. */
export const stateOf = (pid: number): string | undefined => statOf(pid)?.[0];

/** The process's command name (`/proc/<pid>/comm`, e.g. `postgres`); undefined without /proc, once it is gone, or when not readable. */
export const commandOf = async (pid: number): Promise<string | undefined> =>
  (await fs.readFile(`/proc/${pid}/comm`, 'utf8').catch(() => undefined))?.trim();

/** When the process started, in clock ticks since boot (field 22 of `/proc/<pid>/stat`); undefined without /proc. */
export const startTimeOf = (pid: number): string | undefined => statOf(pid)?.[22 - 3];

const signalable = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Whether `pid` runs, and, given `startedAt` (from `startTimeOf`), is still the process that started then rather
 * than a later one given the same pid. `kill(pid, 0)` also succeeds on a zombie, which has exited and only awaits
 * its parent's wait: after a SIGKILL to a process group, the parent is gone too, and where PID 1 reaps nothing
 * (a container without an init) the zombie stays for ever. /proc tells them apart (state `Z`, or `X` while it is
 * reaped); `kill(pid, 0)` answers only where /proc is missing (macOS) or hides the process (hidepid).
 */
export const isAlive = (pid: number, startedAt?: string): boolean => {
  const stat = statOf(pid);
  if (!stat) return signalable(pid);
  if (stat[0] === 'Z' || stat[0] === 'X') return false;
  return startedAt === undefined || startedAt === '' || stat[22 - 3] === startedAt;
};

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether the process died (or became a zombie) within `ms`: a stop waits for its signal to take effect before going on. */
export const waitUntilDead = async (pid: number, ms: number): Promise<boolean> => {
  for (const deadline = Date.now() + ms; Date.now() < deadline; await sleep(25)) if (!isAlive(pid)) return true;
  return !isAlive(pid);
};
