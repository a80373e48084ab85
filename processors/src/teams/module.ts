import type { ProcessorModule } from '../module.js';
import { teamCancellations } from './cancellations.js';
import { memberEndings } from './memberEndings.js';
import { memberWaits } from './memberWaits.js';
import { teamRunProcessor } from './services.js';
import { teamAnswers } from './teamAnswers.js';

export const teamsProcessors: ProcessorModule<'teams'> = {
  name: 'teams',
  processors: ({ store, teamRuns }) =>
    teamRuns ? [teamRunProcessor(teamRuns), memberEndings(store, teamRuns), memberWaits(store), teamCancellations(store), teamAnswers(store)] : [],
};
