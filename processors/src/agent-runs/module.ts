import type { ProcessorModule } from '../module.js';
import { memoryWrites } from './memoryWrites.js';
import { agentRunProcessor } from './services.js';
import { sessionAnswers } from './sessionAnswers.js';

export const agentRunsProcessors: ProcessorModule<'agent-runs'> = {
  name: 'agent-runs',
  processors: ({ store, agentRuns, memories }) => [
    ...(agentRuns ? [agentRunProcessor(agentRuns), sessionAnswers(store)] : []),
    ...(memories ? [memoryWrites(store, memories)] : []),
  ],
};
