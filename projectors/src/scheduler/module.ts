import type { ProjectionModule } from '../module.js';
import { schedulerProjector } from './projector.js';
import { schedulerReadModel } from './schema.js';

export const schedulerProjection: ProjectionModule<'scheduler'> = { name: 'scheduler', projectors: [schedulerProjector], migrations: [schedulerReadModel] };
