import type { CommandModule } from '../module.js';
import { teamRunExecutionRoutes } from './executionRoutes.js';
import { teamRoutes } from './routes.js';
import { teamRunRoutes } from './runRoutes.js';

/** Teams and team runs are always taken; team runs are executed over HTTP only where the process has an executor. */
export const teamsCommands: CommandModule<'teams'> = {
  name: 'teams',
  routes: (api, { teamRuns, knex, ...deps }) => {
    teamRoutes(api, deps);
    const { executor, eagerWorkerKey } = teamRuns ?? {};
    teamRunRoutes(api, { ...deps, ...(executor && eagerWorkerKey ? { eager: { executor, workerKey: eagerWorkerKey } } : {}) });
    if (teamRuns) teamRunExecutionRoutes(api, { ...deps, knex, ...teamRuns });
  },
};
