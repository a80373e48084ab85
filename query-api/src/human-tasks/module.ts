import type { QueryModule } from '../module.js';
import { humanTaskQueries } from './routes.js';

export const humanTasksQueries: QueryModule<'human-tasks'> = { name: 'human-tasks', routes: humanTaskQueries };
