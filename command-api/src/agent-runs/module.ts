import type { CommandModule } from '../module.js';
import { agentRunExecutionRoutes } from './executionRoutes.js';
import { agentRunPauseRoutes } from './pauseRoutes.js';
import { agentRunRoutes } from './routes.js';

/** Runs are always taken; they are executed over HTTP only where the process has an executor. */
export const agentRunsCommands: CommandModule<'agent-runs'> = {
  name: 'agent-runs',
  routes: (api, { agentRuns, knex, ...deps }) => {
    const { executor, eagerWorkerKey } = agentRuns ?? {};
    agentRunRoutes(api, { ...deps, ...(executor && eagerWorkerKey ? { eager: { executor, workerKey: eagerWorkerKey } } : {}) });
    agentRunPauseRoutes(api, deps);
    if (agentRuns) agentRunExecutionRoutes(api, { ...deps, knex, ...agentRuns });
  },
};
