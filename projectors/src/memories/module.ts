import type { ProjectionModule } from '../module.js';
import { memoriesProjector } from './projector.js';
import { memoriesReadModel, memoryExpiryIndex } from './schema.js';

export const memoriesProjection: ProjectionModule<'memories'> = { name: 'memories', projectors: [memoriesProjector], migrations: [memoriesReadModel, memoryExpiryIndex] };
