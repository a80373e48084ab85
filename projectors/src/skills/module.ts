import type { ProjectionModule } from '../module.js';
import { skillInstallationsProjector } from './installations.js';
import { skillsProjector } from './projector.js';
import { skillRunsProjector } from './runs.js';
import { skillInstallationsReadModel, skillRunsReadModel, skillsReadModel } from './schema.js';

export const skillsProjection: ProjectionModule<'skills'> = {
  name: 'skills',
  projectors: [skillsProjector, skillInstallationsProjector, skillRunsProjector],
  migrations: [skillsReadModel, skillInstallationsReadModel, skillRunsReadModel],
};
