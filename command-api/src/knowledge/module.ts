import type { CommandModule } from '../module.js';
import { knowledgeRoutes } from './routes.js';

/** Documents are taken where the process has their data keys and an embedding provider (the platform always does). */
export const knowledgeCommands: CommandModule<'knowledge'> = {
  name: 'knowledge',
  routes: (api, { knowledge, ...deps }) => {
    if (knowledge) knowledgeRoutes(api, { ...deps, knowledge });
  },
};
