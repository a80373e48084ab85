import type { Knex } from '@agent-platform/infra';
import { createFlatIndex, type FlatIndex, type VectorHit } from '../../search/flatIndex.js';
import { jsonContains } from '../../search/jsonContains.js';
import { changedSince, loadChunks, partitionDocuments, type LoadedChunk, type PartitionKey } from './inProcessLoad.js';
import type { ChunkVectorQuery, ChunkVectors } from './port.js';

/** About 770 MB at 384 dimensions: the least recently searched bases are dropped beyond it, and loaded again when searched. */
export const DEFAULT_MAX_VECTORS = 500_000;

type Partition = {
  key: PartitionKey;
  name: string;
  /** The snapshot (`pg_snapshot`) whose chunks the partition holds: changes it did not see are reloaded. */
  snapshot: string;
  documents: Map<string, { metadata: Record<string, unknown>; chunks: string[] }>;
  lastSearched: number;
  /** Refreshes run one after another: two at once would apply the same changes twice, in any order. */
  queue: Promise<unknown>;
  /** Dropped for the memory budget: a search or refresh that held it starts again from a fresh load. */
  evicted: boolean;
};

const nameOf = (key: PartitionKey) => JSON.stringify([key.workspaceId, key.knowledgeBaseId, key.model, key.dimension]);

/**
 * Vector search without pgvector: each base's chunks (per model and dimension) held in this process's
 * memory, scanned exactly (`createFlatIndex`: recall 1, and a filter narrows before ranking, so `k` stays
 * full). A base is loaded on its first search under one REPEATABLE READ snapshot; every later search asks
 * PostgreSQL, in one indexed statement, which documents changed in transactions that snapshot did not see
 * (`rm_knowledge_chunk_changes`, fed by triggers) and reloads only those. Any writer, any process: the
 * read model is the truth, the memory a cache of it that is never stale when a search answers.
 */
export const createInProcessChunkVectors = (knex: Knex, options: { maxVectors?: number } = {}): ChunkVectors => {
  const maxVectors = options.maxVectors ?? DEFAULT_MAX_VECTORS;
  const indexes = new Map<number, FlatIndex>();
  const partitions = new Map<string, Promise<Partition>>();
  let clock = 0;

  const indexOf = (dimension: number): FlatIndex => {
    let index = indexes.get(dimension);
    if (!index) indexes.set(dimension, (index = createFlatIndex(dimension)));
    return index;
  };

  /** Replaces the partition's chunks of these documents with those loaded (none: the document is gone). */
  const apply = (p: Partition, documents: readonly string[], chunks: readonly LoadedChunk[]) => {
    if (p.evicted) return;
    const index = indexOf(p.key.dimension);
    for (const id of documents) {
      for (const chunk of p.documents.get(id)?.chunks ?? []) index.remove(chunk);
      p.documents.delete(id);
    }
    for (const chunk of chunks) {
      let document = p.documents.get(chunk.documentId);
      if (!document) p.documents.set(chunk.documentId, (document = { metadata: chunk.metadata, chunks: [] }));
      document.chunks.push(chunk.id);
      index.upsert(p.name, chunk.id, chunk.embedding);
    }
  };

  const load = async (key: PartitionKey): Promise<Partition> =>
    knex.transaction(
      async (trx) => {
        const { snapshot, documents } = await partitionDocuments(trx, key);
        const p: Partition = { key, name: nameOf(key), snapshot, documents: new Map(), lastSearched: ++clock, queue: Promise.resolve(), evicted: false };
        apply(p, [], await loadChunks(trx, key, documents));
        return p;
      },
      { isolationLevel: 'repeatable read' },
    );

  const refresh = async (p: Partition): Promise<void> => {
    const changed = await changedSince(knex, p.key, p.snapshot);
    if (changed.documents.length === 0) {
      p.snapshot = changed.snapshot;
      return;
    }
    await knex.transaction(
      async (trx) => {
        // Asked again inside the transaction: its snapshot is the one the reloaded chunks are read under.
        const { snapshot, documents } = await changedSince(trx, p.key, p.snapshot);
        apply(p, documents, await loadChunks(trx, p.key, documents));
        p.snapshot = snapshot;
      },
      { isolationLevel: 'repeatable read' },
    );
  };

  /** The partitions loaded so far; one still loading is waited for, one whose load failed is left out. */
  const loadedPartitions = async (): Promise<Partition[]> =>
    (await Promise.allSettled(partitions.values())).flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));

  const evictBeyondBudget = async (current: Partition) => {
    const loaded = await loadedPartitions();
    let total = loaded.reduce((sum, p) => sum + indexOf(p.key.dimension).sizeOf(p.name), 0);
    for (const p of loaded.filter((p) => p !== current).sort((a, b) => a.lastSearched - b.lastSearched)) {
      if (total <= maxVectors) return;
      total -= indexOf(p.key.dimension).sizeOf(p.name);
      indexOf(p.key.dimension).drop(p.name);
      partitions.delete(p.name);
      p.evicted = true;
    }
  };

  const current = async (key: PartitionKey): Promise<Partition> => {
    const name = nameOf(key);
    const known = partitions.get(name);
    if (!known) {
      const loading = load(key);
      partitions.set(name, loading);
      try {
        const p = await loading;
        await evictBeyondBudget(p);
        return p;
      } catch (error) {
        partitions.delete(name); // the next search tries again
        throw error;
      }
    }
    const p = await known;
    const refreshed = p.queue.then(() => refresh(p));
    p.queue = refreshed.catch(() => {});
    await refreshed;
    return p;
  };

  const search = async (query: ChunkVectorQuery): Promise<VectorHit[]> => {
    if (query.k < 1) return [];
    const key = { workspaceId: query.workspaceId, knowledgeBaseId: query.knowledgeBaseId, model: query.model, dimension: query.vector.length };
    let p = await current(key);
    while (p.evicted) p = await current(key);
    p.lastSearched = ++clock;
    const filter = query.metadataFilter;
    const among = filter ? [...p.documents.values()].filter((d) => jsonContains(d.metadata, filter)).flatMap((d) => d.chunks) : undefined;
    return indexOf(p.key.dimension).search(p.name, query.vector, query.k, among);
  };

  return {
    path: 'in-process',
    search,
    describe: async () => {
      const loaded = await loadedPartitions();
      return {
        path: 'in-process',
        loaded_bases: loaded.length,
        vectors: [...indexes.values()].reduce((sum, index) => sum + index.size(), 0),
        max_vectors: maxVectors,
      };
    },
    close: async () => {
      partitions.clear();
      indexes.clear();
    },
  };
};
