import type { ProcessorModule } from '../module.js';

export const skillsProcessors: ProcessorModule<'skills'> = {
  name: 'skills',
  processors: ({ skillRuns }) => skillRuns?.processors() ?? [],
};
