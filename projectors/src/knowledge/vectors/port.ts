import type { VectorHit } from '../../search/flatIndex.js';

/**
 * A vector search over one knowledge base's chunks (`rm_knowledge_chunks`). Two adapters, chosen at
 * start by whether `CREATE EXTENSION vector` succeeds, and reported on `/ready` (ARCHITECTURE.md,
 * "Vectors"): `pgvector` (HNSW over the `real[]` column cast to `vector(N)`, cosine distance) and
 * `in-process` (an index in this process's memory, kept current from the read model).
 */
export type ChunkVectorQuery = {
  workspaceId: string;
  knowledgeBaseId: string;
  /** `<provider>/<model>`: only chunks embedded by the same model are compared with the query. */
  model: string;
  /** The query's embedding, unit length. */
  vector: readonly number[];
  k: number;
  /** A chunk's document metadata must contain this object (JSON containment, as `@>`). */
  metadataFilter?: Record<string, unknown>;
};

export type ChunkVectorsPath = 'pgvector' | 'in-process';

export type ChunkVectors = {
  readonly path: ChunkVectorsPath;
  /**
   * The `k` chunks of the workspace's base (and of the filter) most similar to the query by cosine, best
   * first. Always `k` hits when at least `k` chunks match: a filter narrows the candidates before they
   * rank, never after (a filtered ANN scan that stops early is completed by an exact one).
   */
  search: (query: ChunkVectorQuery) => Promise<VectorHit[]>;
  /** What `/ready` shows under `vector_search`: the path and the adapter's own facts (index sizes, settings). */
  describe: () => Promise<{ path: ChunkVectorsPath } & Record<string, unknown>>;
  close: () => Promise<void>;
};
