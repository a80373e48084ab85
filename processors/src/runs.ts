import { agentRunServices, type RunServiceDeps } from './agent-runs/services.js';
import type { RunSweeper } from './kernel/sweeper.js';
import { teamRunServices } from './teams/services.js';

/**
 * The durable runs of every domain that has them, built once per process whatever its roles: the command
 * side executes runs too (`POST /agents/runs/:id/execute`). The processors' modules get `processorDeps`;
 * `sweep` starts the sweepers, in processes with the processors role; `stop` lets every run in flight go.
 */
export const createRuns = (deps: RunServiceDeps) => {
  const agentRuns = agentRunServices(deps);
  // A team's member runs start in this process at once, on the agent runs' kernel.
  const teamRuns = teamRunServices({ ...deps, startAgentRun: agentRuns.executor.start });
  return {
    agentRuns: agentRuns.executor,
    teamRuns: teamRuns.executor,
    processorDeps: { agentRuns: agentRuns.processorDeps, teamRuns: teamRuns.processorDeps, ...(deps.memories ? { memories: deps.memories } : {}) },
    sweep: (): RunSweeper => {
      const sweepers = [agentRuns.sweep(), teamRuns.sweep()];
      return { stop: async () => void (await Promise.all(sweepers.map((s) => s.stop()))) };
    },
    // Team runs first: they start member runs, which then stop with the agent runs.
    stop: async () => {
      await teamRuns.executor.stop();
      await agentRuns.executor.stop();
    },
  };
};
export type Runs = ReturnType<typeof createRuns>;
