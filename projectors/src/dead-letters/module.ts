import type { ProjectionModule } from '../module.js';
import { deadLettersProjector } from './projector.js';
import { deadLettersReadModel } from './schema.js';

export const deadLettersProjection: ProjectionModule<'dead-letters'> = { name: 'dead-letters', projectors: [deadLettersProjector], migrations: [deadLettersReadModel] };
