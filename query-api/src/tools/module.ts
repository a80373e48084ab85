import type { QueryModule } from '../module.js';
import { toolQueries } from './routes.js';

export const toolsQueries: QueryModule = { name: 'tools', routes: toolQueries };
