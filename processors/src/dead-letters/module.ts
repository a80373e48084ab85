import type { ProcessorModule } from '../module.js';
import { deadLetterRetrier } from './retrier.js';

export const deadLettersProcessors: ProcessorModule<'dead-letters'> = {
  name: 'dead-letters',
  processors: ({ store, knex, all }) => [deadLetterRetrier({ store, knex, processors: all })],
};
