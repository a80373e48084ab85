import type { QueryModule } from '../module.js';
import { sessionQueries } from './routes.js';

export const sessionsQueries: QueryModule = { name: 'sessions', routes: sessionQueries };
