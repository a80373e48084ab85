import type { ProjectionModule } from '../module.js';
import { sessionsProjector } from './projector.js';
import { sessionsReadModel } from './schema.js';

export const sessionsProjection: ProjectionModule = { name: 'sessions', projectors: [sessionsProjector], migrations: [sessionsReadModel] };
