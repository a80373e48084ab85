import type { ProcessorModule } from '../module.js';
import { agentRunProcessor } from './services.js';
import { sessionAnswers } from './sessionAnswers.js';

export const agentRunsProcessors: ProcessorModule<'agent-runs'> = {
  name: 'agent-runs',
  processors: ({ store, agentRuns }) => (agentRuns ? [agentRunProcessor(agentRuns), sessionAnswers(store)] : []),
};
