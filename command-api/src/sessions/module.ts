import type { CommandModule } from '../module.js';
import { sessionRoutes } from './routes.js';

export const sessionsCommands: CommandModule<'sessions'> = { name: 'sessions', routes: sessionRoutes };
