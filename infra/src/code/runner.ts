import type { Config } from '../config.js';
import { createBwrapCodeRunner } from './bwrap/runner.js';
import { limitConcurrency } from './concurrency.js';
import type { CodeRunner } from './port.js';

const MIB = 2 ** 20;

/** Runs that may wait for a place, per place: a burst is queued, a flood refused. */
const WAITING_PER_RUN = 8;

/**
 * The platform's code runner, from its configuration: bubblewrap, the one isolation there is, at most
 * `AGENT_PLATFORM_CODE_CONCURRENCY` runs at once. On a host where it cannot isolate, the runner it gives
 * refuses every run and says why in `describe()`.
 */
export const createCodeRunner = async (config: Config): Promise<CodeRunner> => {
  const runner = await createBwrapCodeRunner({
    pythonBin: config.AGENT_PLATFORM_PYTHON_BIN,
    limits: {
      memoryBytes: config.AGENT_PLATFORM_CODE_MEMORY_MB * MIB,
      maxProcesses: config.AGENT_PLATFORM_CODE_MAX_PROCESSES,
      maxOutputBytes: config.AGENT_PLATFORM_CODE_MAX_OUTPUT_BYTES,
      diskBytes: config.AGENT_PLATFORM_CODE_DISK_MB * MIB,
    },
  });
  const running = config.AGENT_PLATFORM_CODE_CONCURRENCY;
  return limitConcurrency(runner, { running, waiting: running * WAITING_PER_RUN });
};
