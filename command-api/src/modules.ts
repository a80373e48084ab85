import { agentRunsCommands } from './agent-runs/module.js';
import { agentsCommands } from './agents/module.js';
import { deadLettersCommands } from './dead-letters/module.js';
import type { CommandModule } from './module.js';
import { sessionsCommands } from './sessions/module.js';
import { toolsCommands } from './tools/module.js';

/** The command side of every domain in contracts' `domains`; scripts' wiring spec holds the two lists equal. */
export const commandModules: readonly CommandModule[] = [sessionsCommands, deadLettersCommands, toolsCommands, agentsCommands, agentRunsCommands];
