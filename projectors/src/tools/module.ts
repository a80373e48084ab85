import type { ProjectionModule } from '../module.js';
import { toolsProjector } from './projector.js';
import { toolsReadModel } from './schema.js';

export const toolsProjection: ProjectionModule = { name: 'tools', projectors: [toolsProjector], migrations: [toolsReadModel] };
