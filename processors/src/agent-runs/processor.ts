import { AgentRunQueued } from '@agent-platform/contracts';
import { isTakenElsewhere, type RunExecutor } from '@agent-platform/command-api/commands';
import type { Processor } from '../runtime/processor.js';

/**
 * Runs each run queued with `auto_execute` as soon as it is queued. The delivery is settled when the run
 * ends; a run another worker holds is left to it (its lease, renewed while it works, says it is alive).
 */
export const agentRunProcessor = (executor: RunExecutor, options: { workerKey: string; concurrency: number }): Processor => ({
  group: 'agent-runs',
  types: [AgentRunQueued.type],
  concurrency: options.concurrency,
  // Starting a run again joins it, or finds it held or ended.
  idempotent: true,
  handle: async (event) => {
    const queued = AgentRunQueued.schema.parse(event.data);
    if (!queued.auto_execute) return;
    try {
      const { done } = await executor.start(queued.run_id, { workerKey: options.workerKey });
      await done;
    } catch (error) {
      if (!isTakenElsewhere(error)) throw error;
    }
  },
});
