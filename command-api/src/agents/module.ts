import type { CommandModule } from '../module.js';
import { agentRoutes } from './routes.js';

export const agentsCommands: CommandModule<'agents'> = { name: 'agents', routes: agentRoutes };
