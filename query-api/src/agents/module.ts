import type { QueryModule } from '../module.js';
import { agentQueries } from './routes.js';

export const agentsQueries: QueryModule<'agents'> = { name: 'agents', routes: agentQueries };
