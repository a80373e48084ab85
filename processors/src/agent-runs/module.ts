import type { ProcessorModule } from '../module.js';
import { agentRunProcessor } from './processor.js';
import { sessionAnswers } from './sessionAnswers.js';

export const agentRunsProcessors: ProcessorModule = {
  name: 'agent-runs',
  processors: ({ store, agentRuns }) => (agentRuns ? [agentRunProcessor(agentRuns.executor, agentRuns), sessionAnswers(store)] : []),
};
