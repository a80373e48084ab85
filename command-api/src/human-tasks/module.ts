import type { CommandModule } from '../module.js';
import { humanTaskRoutes } from './routes.js';

export const humanTasksCommands: CommandModule<'human-tasks'> = {
  name: 'human-tasks',
  routes: (api, { store, handle, contextOf, commandHeaders }) => humanTaskRoutes(api, { store, handle, contextOf, commandHeaders }),
};
