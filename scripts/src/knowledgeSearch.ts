import { embedQuery, type EmbeddingProvider, type Knex } from '@agent-platform/infra';
import type { KnowledgeSearch } from '@agent-platform/processors';
import type { ChunkVectors } from '@agent-platform/projectors';
import { knowledgeReader } from '@agent-platform/projectors/readers';

/**
 * The knowledge search agent runs cite from: `POST /knowledge/search`'s, on the process's vector path, with
 * the run's input embedded by the process's embedding provider, so a run finds what a client searching the
 * same words would.
 */
export const knowledgeSearchOf =
  (read: { knex: Knex; vectors: ChunkVectors }, embeddings: EmbeddingProvider): KnowledgeSearch =>
  async (workspaceId, search) => {
    const { query } = await embedQuery(embeddings, search.query);
    return knowledgeReader.searchKnowledge(read, workspaceId, search, query);
  };
