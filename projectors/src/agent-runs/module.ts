import type { ProjectionModule } from '../module.js';
import { agentRunsProjector } from './projector.js';
import { agentRunCitationsReadModel, agentRunJournalReadModel, agentRunsReadModel, agentRunTeamReadModel, agentRunWaitsReadModel } from './schema.js';

export const agentRunsProjection: ProjectionModule<'agent-runs'> = {
  name: 'agent-runs',
  projectors: [agentRunsProjector],
  migrations: [agentRunsReadModel, agentRunJournalReadModel, agentRunCitationsReadModel, agentRunTeamReadModel, agentRunWaitsReadModel],
};
