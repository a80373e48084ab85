import type { QueryModule } from '../module.js';
import { knowledgeQueryRoutes } from './routes.js';

export const knowledgeQueries: QueryModule<'knowledge'> = { name: 'knowledge', routes: knowledgeQueryRoutes };
