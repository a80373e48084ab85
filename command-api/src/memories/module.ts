import type { CommandModule } from '../module.js';
import { memoryRoutes } from './routes.js';

/** Memories are taken where the process has their data keys and an embedding provider (the platform always does). */
export const memoriesCommands: CommandModule<'memories'> = {
  name: 'memories',
  routes: (api, { memories, ...deps }) => {
    if (memories) memoryRoutes(api, { ...deps, memories });
  },
};
