import type { Knex } from '@agent-platform/infra';
import { chunkIdOf } from '../knowledge/chunks.js';
import { KNOWLEDGE_CHUNKS } from '../knowledge/schema.js';

/** A chunk reduced to what vector search reads: no text, no full-text vector. */
export type BulkChunk = {
  workspaceId: string;
  knowledgeBaseId: string;
  documentId: string;
  index: number;
  metadata: Record<string, unknown>;
  embedding: ArrayLike<number>;
  embeddingModel: string;
};

/**
 * Writes chunks in rows of 250 without the indexer's full-text work, for a bench or spec of vector search
 * at a scale PGlite's one WebAssembly backend could not reach through the indexer's writer (about 80
 * chunks/s with the HNSW index kept up). Never a path of the platform: the indexer writes through `chunks.ts`.
 */
export const bulkLoadChunks = async (knex: Knex, chunks: readonly BulkChunk[]): Promise<void> => {
  for (let i = 0; i < chunks.length; i += 250) {
    await knex(KNOWLEDGE_CHUNKS).insert(
      chunks.slice(i, i + 250).map((c) => ({
        id: chunkIdOf(c.documentId, c.index),
        document_id: c.documentId,
        chunk_index: c.index,
        workspace_id: c.workspaceId,
        knowledge_base_id: c.knowledgeBaseId,
        revision: 1,
        content_text: '',
        headings: '[]',
        metadata_json: JSON.stringify(c.metadata),
        embedding: Array.from(c.embedding),
        embedding_model: c.embeddingModel,
        tsv: '',
        tokens: 0,
      })),
    );
  }
};
