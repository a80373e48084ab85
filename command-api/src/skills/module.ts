import type { CommandModule } from '../module.js';
import { skillInstallationRoutes } from './installationRoutes.js';
import { skillRoutes } from './routes.js';
import { skillRunRoutes } from './runRoutes.js';

export const skillsCommands: CommandModule<'skills'> = {
  name: 'skills',
  routes: (api, { skillRuns, knex: _knex, ...deps }) => {
    skillRoutes(api, deps);
    skillInstallationRoutes(api, deps);
    skillRunRoutes(api, { ...deps, ...(skillRuns ? { execution: skillRuns } : {}) });
  },
};
