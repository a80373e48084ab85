import type { ProjectionModule } from '../module.js';
import { toolsProjector } from './projector.js';
import { toolsReadModel } from './schema.js';

export const toolsProjection: ProjectionModule<'tools'> = { name: 'tools', projectors: [toolsProjector], migrations: [toolsReadModel] };
