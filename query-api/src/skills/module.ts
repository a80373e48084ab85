import type { QueryModule } from '../module.js';
import { skillQueries } from './routes.js';

export const skillsQueries: QueryModule<'skills'> = { name: 'skills', routes: skillQueries };
