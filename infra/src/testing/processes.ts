import path from 'node:path';
import { postmasterPid } from '../db/embedded/orphan.js';
import { isAlive } from '../db/embedded/processes.js';

export { isAlive };

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether the process died within `ms`; fault tests wait for a kill to take effect before going on. */
export const waitUntilDead = async (pid: number, ms: number): Promise<boolean> => {
  for (const deadline = Date.now() + ms; Date.now() < deadline; await sleep(25)) if (!isAlive(pid)) return true;
  return !isAlive(pid);
};

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
