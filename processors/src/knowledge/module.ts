import type { ProcessorModule } from '../module.js';
import { knowledgeIndexer } from './indexer.js';

/** Documents are indexed where the process has their data keys and an embedding provider (the platform always does). */
export const knowledgeProcessors: ProcessorModule<'knowledge'> = {
  name: 'knowledge',
  processors: ({ store, knex, knowledge }) => (knowledge ? [knowledgeIndexer({ store, knex, ...knowledge })] : []),
};
