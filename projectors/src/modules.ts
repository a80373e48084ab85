import { agentRunsProjection } from './agent-runs/module.js';
import { agentsProjection } from './agents/module.js';
import { deadLettersProjection } from './dead-letters/module.js';
import type { ProjectionModule } from './module.js';
import { sessionsProjection } from './sessions/module.js';
import { toolsProjection } from './tools/module.js';

/** The read side of every domain in contracts' `domains`; scripts' wiring spec holds the two lists equal. */
export const projectionModules: readonly ProjectionModule[] = [sessionsProjection, deadLettersProjection, toolsProjection, agentsProjection, agentRunsProjection];
