import type { CommandModule } from '../module.js';
import { deadLetterRoutes } from './routes.js';

export const deadLettersCommands: CommandModule<'dead-letters'> = { name: 'dead-letters', routes: deadLetterRoutes };
