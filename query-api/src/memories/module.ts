import type { QueryModule } from '../module.js';
import { memoryQueries } from './routes.js';

export const memoriesQueries: QueryModule<'memories'> = { name: 'memories', routes: memoryQueries };
