import type { Config } from '../config.js';
import { createBwrapCodeRunner } from './bwrap/runner.js';
import type { CodeRunner } from './port.js';

const MIB = 2 ** 20;

/**
 * The platform's code runner, from its configuration: bubblewrap, the one isolation there is. On a host
 * where it cannot isolate, the runner it gives refuses every run and says why in `describe()`.
 */
export const createCodeRunner = (config: Config): Promise<CodeRunner> =>
  createBwrapCodeRunner({
    pythonBin: config.AGENT_PLATFORM_PYTHON_BIN,
    limits: {
      memoryBytes: config.AGENT_PLATFORM_CODE_MEMORY_MB * MIB,
      maxProcesses: config.AGENT_PLATFORM_CODE_MAX_PROCESSES,
      maxOutputBytes: config.AGENT_PLATFORM_CODE_MAX_OUTPUT_BYTES,
      diskBytes: config.AGENT_PLATFORM_CODE_DISK_MB * MIB,
    },
  });
