import type { QueryModule } from '../module.js';
import { agentRunQueries } from './routes.js';

export const agentRunsQueries: QueryModule<'agent-runs'> = { name: 'agent-runs', routes: agentRunQueries };
