import { readdir, readFile } from 'node:fs/promises';
import type { SandboxLimits } from '../code/bwrap/sandbox.js';
import { sleep } from './processes.js';

const MIB = 2 ** 20;

/** The platform's default limits, with a smaller output cap so that a flood fills it fast. */
export const TEST_LIMITS: SandboxLimits = { memoryBytes: 256 * MIB, maxProcesses: 16, maxOutputBytes: 64 * 1024, diskBytes: 16 * MIB };

/**
 * The host's processes whose command line holds `marker`, after a moment for the kernel to finish a
 * namespace's teardown: what a sandbox left behind. Seen from the host, which sees into every pid namespace.
 */
export const leftoverProcesses = async (marker: string): Promise<string[]> => {
  await sleep(300);
  const found: string[] = [];
  for (const pid of (await readdir('/proc')).filter((entry) => /^\d+$/.test(entry))) {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(marker) && Number(pid) !== process.pid) found.push(`${pid}: ${cmdline.replaceAll('\0', ' ')}`);
  }
  return found;
};
