import type { QueryModule } from '../module.js';
import { authQueryRoutes } from './routes.js';

export const authQueries: QueryModule<'auth'> = { name: 'auth', routes: authQueryRoutes };
