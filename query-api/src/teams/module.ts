import type { QueryModule } from '../module.js';
import { teamQueries } from './routes.js';

export const teamsQueries: QueryModule<'teams'> = { name: 'teams', routes: teamQueries };
