import type { ProjectionModule } from '../module.js';
import { authProjector } from './projector.js';
import { authReadModel } from './schema.js';

export const authProjection: ProjectionModule<'auth'> = { name: 'auth', projectors: [authProjector], migrations: [authReadModel] };
