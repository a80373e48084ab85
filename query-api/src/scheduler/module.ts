import type { QueryModule } from '../module.js';
import { schedulerQueries as routes } from './routes.js';

export const schedulerQueries: QueryModule<'scheduler'> = { name: 'scheduler', routes };
