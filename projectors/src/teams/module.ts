import type { ProjectionModule } from '../module.js';
import { teamsProjector } from './projector.js';
import { teamRunsProjector } from './runProjector.js';
import { teamRunsReadModel, teamsReadModel } from './schema.js';

export const teamsProjection: ProjectionModule<'teams'> = {
  name: 'teams',
  projectors: [teamsProjector, teamRunsProjector],
  migrations: [teamsReadModel, teamRunsReadModel],
};
