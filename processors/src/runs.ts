import { agentRunServices, toolCallerOf, type RunServiceDeps } from './agent-runs/services.js';
import type { RunSweeper } from './kernel/sweeper.js';
import { skillsForAgents } from './skills/forAgents.js';
import { skillRunServices } from './skills/services.js';
import { teamRunServices } from './teams/services.js';

/**
 * The durable runs of every domain that has them, built once per process whatever its roles: the command
 * side executes runs too (`POST /agents/runs/:id/execute`). The processors' modules get `processorDeps`;
 * `sweep` starts the sweepers, in processes with the processors role; `stop` lets every run in flight go.
 */
export const createRuns = (deps: RunServiceDeps) => {
  const { config } = deps;
  const skillRuns = skillRunServices({
    ...deps,
    leaseMs: config.AGENT_PLATFORM_AGENT_RUN_LEASE_MS,
    maxAttempts: config.AGENT_PLATFORM_RUN_MAX_ATTEMPTS,
    concurrency: config.AGENT_PLATFORM_AGENT_RUN_CONCURRENCY,
    maxCodeTimeoutSeconds: config.AGENT_PLATFORM_MAX_TIMEOUT_SECONDS,
    secrets: config.secrets,
    callTool: toolCallerOf(config),
  });
  // Agent runs use skills through skill runs, which an agent skill's run answers by queueing an agent run.
  const agentRuns = agentRunServices({ ...deps, skills: skillsForAgents({ store: deps.store, executor: skillRuns.executor, workerKey: deps.workerKey }) });
  // A team's member runs start in this process at once, on the agent runs' kernel.
  const teamRuns = teamRunServices({ ...deps, startAgentRun: agentRuns.executor.start });
  return {
    agentRuns: agentRuns.executor,
    skillRuns: skillRuns.executor,
    teamRuns: teamRuns.executor,
    processorDeps: { agentRuns: agentRuns.processorDeps, skillRuns, teamRuns: teamRuns.processorDeps, ...(deps.memories ? { memories: deps.memories } : {}) },
    sweep: (): RunSweeper => {
      const sweepers = [agentRuns.sweep(), skillRuns.sweep(), teamRuns.sweep()];
      return { stop: async () => void (await Promise.all(sweepers.map((s) => s.stop()))) };
    },
    // Team runs first: they start member runs, which then stop with the agent and skill runs.
    stop: async () => {
      await teamRuns.executor.stop();
      await Promise.all([agentRuns.executor.stop(), skillRuns.kernel.stop()]);
    },
  };
};
export type Runs = ReturnType<typeof createRuns>;
