import { isAlive } from '../db/embedded/processes.js';

export { isAlive };

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether the process died within `ms`; fault tests wait for a kill to take effect before going on. */
export const waitUntilDead = async (pid: number, ms: number): Promise<boolean> => {
  for (const deadline = Date.now() + ms; Date.now() < deadline; await sleep(25)) if (!isAlive(pid)) return true;
  return !isAlive(pid);
};
