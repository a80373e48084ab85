import { agentRunsQueries } from './agent-runs/module.js';
import { agentsQueries } from './agents/module.js';
import { deadLettersQueries } from './dead-letters/module.js';
import type { QueryModule } from './module.js';
import { sessionsQueries } from './sessions/module.js';
import { toolsQueries } from './tools/module.js';

/** The query side of every domain in contracts' `domains`; scripts' wiring spec holds the two lists equal. */
export const queryModules: readonly QueryModule[] = [sessionsQueries, deadLettersQueries, toolsQueries, agentsQueries, agentRunsQueries];
