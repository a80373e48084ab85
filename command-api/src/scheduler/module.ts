import type { CommandModule } from '../module.js';
import { schedulerRoutes } from './routes.js';
import { schedulerWorkerRoutes } from './workerRoutes.js';

/** How late a slot may fire before it counts as missed, when the process does not say. */
export const DEFAULT_MISFIRE_GRACE_MS = 60_000;

export const schedulerCommands: CommandModule<'scheduler'> = {
  name: 'scheduler',
  routes: (api, { scheduler, ...deps }) => {
    schedulerRoutes(api, deps);
    schedulerWorkerRoutes(api, { ...deps, misfireGraceMs: scheduler?.misfireGraceMs ?? DEFAULT_MISFIRE_GRACE_MS });
  },
};
