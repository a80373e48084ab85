import type { QueryModule } from '../module.js';
import { sessionQueries } from './routes.js';

export const sessionsQueries: QueryModule<'sessions'> = { name: 'sessions', routes: sessionQueries };
