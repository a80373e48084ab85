import type { CommandModule } from '../module.js';
import { agentRoutes } from './routes.js';

export const agentsCommands: CommandModule = { name: 'agents', routes: agentRoutes };
