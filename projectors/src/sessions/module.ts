import type { ProjectionModule } from '../module.js';
import { sessionsProjector } from './projector.js';
import { sessionsReadModel } from './schema.js';

export const sessionsProjection: ProjectionModule<'sessions'> = { name: 'sessions', projectors: [sessionsProjector], migrations: [sessionsReadModel] };
