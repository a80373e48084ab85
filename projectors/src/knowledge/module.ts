import type { ProjectionModule } from '../module.js';
import { knowledgeProjector } from './projector.js';
import { documentEmbeddingUsed, knowledgeChunkChangesReadModel, knowledgeChunksReadModel, knowledgeReadModel } from './schema.js';

export const knowledgeProjection: ProjectionModule<'knowledge'> = {
  name: 'knowledge',
  projectors: [knowledgeProjector],
  migrations: [knowledgeReadModel, knowledgeChunksReadModel, knowledgeChunkChangesReadModel, documentEmbeddingUsed],
};
