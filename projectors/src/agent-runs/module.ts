import type { ProjectionModule } from '../module.js';
import { agentRunsProjector } from './projector.js';
import { agentRunJournalReadModel, agentRunsReadModel } from './schema.js';

export const agentRunsProjection: ProjectionModule = { name: 'agent-runs', projectors: [agentRunsProjector], migrations: [agentRunsReadModel, agentRunJournalReadModel] };
