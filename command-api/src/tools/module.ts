import type { CommandModule } from '../module.js';
import { toolRoutes } from './routes.js';

export const toolsCommands: CommandModule<'tools'> = { name: 'tools', routes: toolRoutes };
