import type { ProjectionModule } from '../module.js';
import { humanTasksProjector } from './projector.js';
import { humanTaskExpiryIndex, humanTaskHistoryReadModel, humanTasksReadModel } from './schema.js';

export const humanTasksProjection: ProjectionModule<'human-tasks'> = {
  name: 'human-tasks',
  projectors: [humanTasksProjector],
  migrations: [humanTasksReadModel, humanTaskHistoryReadModel, humanTaskExpiryIndex],
};
