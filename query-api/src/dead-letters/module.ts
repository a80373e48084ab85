import type { QueryModule } from '../module.js';
import { deadLetterQueries } from './routes.js';

export const deadLettersQueries: QueryModule<'dead-letters'> = { name: 'dead-letters', routes: deadLetterQueries };
