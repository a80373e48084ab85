import type { CommandModule } from '../module.js';
import { authRoutes } from './routes.js';

export const authCommands: CommandModule<'auth'> = { name: 'auth', routes: authRoutes };
