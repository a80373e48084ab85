import type { ProjectionModule } from '../module.js';
import { agentsProjector } from './projector.js';
import { agentKnowledgeRefsReadModel, agentsReadModel } from './schema.js';

export const agentsProjection: ProjectionModule<'agents'> = {
  name: 'agents',
  projectors: [agentsProjector],
  migrations: [agentsReadModel, agentKnowledgeRefsReadModel],
};
