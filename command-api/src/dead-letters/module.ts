import type { CommandModule } from '../module.js';
import { deadLetterRoutes } from './routes.js';

export const deadLettersCommands: CommandModule = { name: 'dead-letters', routes: deadLetterRoutes };
