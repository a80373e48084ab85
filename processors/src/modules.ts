import { agentRunsProcessors } from './agent-runs/module.js';
import { deadLettersProcessors } from './dead-letters/module.js';
import type { ProcessorModule } from './module.js';

/** The reactions of the domains in contracts' `domains` that react to events; a domain that only records and reads has none. */
export const processorModules: readonly ProcessorModule[] = [agentRunsProcessors, deadLettersProcessors];
