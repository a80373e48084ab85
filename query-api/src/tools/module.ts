import type { QueryModule } from '../module.js';
import { toolQueries } from './routes.js';

export const toolsQueries: QueryModule<'tools'> = { name: 'tools', routes: toolQueries };
