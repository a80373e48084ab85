import { agentRunServices, type RunServiceDeps } from './agent-runs/services.js';
import type { RunSweeper } from './kernel/sweeper.js';

/**
 * The durable runs of every domain that has them, built once per process whatever its roles: the command
 * side executes runs too (`POST /agents/runs/:id/execute`). The processors' modules get `processorDeps`;
 * `sweep` starts the sweepers, in processes with the processors role; `stop` lets every run in flight go.
 */
export const createRuns = (deps: RunServiceDeps) => {
  const agentRuns = agentRunServices(deps);
  return {
    agentRuns: agentRuns.executor,
    processorDeps: { agentRuns: agentRuns.processorDeps, ...(deps.memories ? { memories: deps.memories } : {}) },
    sweep: (): RunSweeper => {
      const sweepers = [agentRuns.sweep()];
      return { stop: async () => void (await Promise.all(sweepers.map((s) => s.stop()))) };
    },
    stop: () => agentRuns.executor.stop(),
  };
};
export type Runs = ReturnType<typeof createRuns>;
