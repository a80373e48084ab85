import type { ProcessorModule } from '../module.js';
import { memoryWrites } from './memoryWrites.js';
import { agentRunProcessor } from './services.js';
import { sessionAnswers } from './sessionAnswers.js';
import { humanDecisions } from './humanDecisions.js';
import { waitTasks } from './waitTasks.js';
import { handBackMessages, unpausedRuns } from './handBacks.js';

export const agentRunsProcessors: ProcessorModule<'agent-runs'> = {
  name: 'agent-runs',
  processors: ({ store, agentRuns, memories }) => [
    ...(agentRuns
      ? [agentRunProcessor(agentRuns), sessionAnswers(store), humanDecisions({ store, ...agentRuns }), waitTasks(store), unpausedRuns(agentRuns), handBackMessages(store)]
      : []),
    ...(memories ? [memoryWrites(store, memories)] : []),
  ],
};
