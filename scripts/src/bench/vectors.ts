import { createKnex, migrateToLatest, type Knex, type Pool } from '@agent-platform/infra';
import { createInProcessChunkVectors, createPgvectorChunkVectors, type ChunkVectors } from '@agent-platform/projectors';
import { knowledgeChunksWriter } from '@agent-platform/projectors/readers';
import { bulkLoadChunks, startPgliteDatabase } from '@agent-platform/projectors/testing';
import { MIGRATIONS } from '../platform.js';
import { createBenchDatabase } from './database.js';
import { percentile } from './measure.js';
import { exactTopK, SHARDS, type CorpusDocument, type VectorCorpus } from './vectorCorpus.js';

export const K = 10;
/** The shard a filtered search keeps: a tenth of the chunks. */
const FILTER_SHARD = 3;

export type SearchFigures = { p50Ms: number; p95Ms: number; recall: number };
export type VectorPathResult = {
  label: string;
  /** Chunks written per second: through the indexer's writer (in-process), or in bulk with the HNSW build (pgvector). */
  writtenPerSecond: number;
  /** From the last write to the first search answered: the in-process load, or pgvector's nothing. */
  readyMs: number;
  unfiltered: SearchFigures;
  filtered: SearchFigures;
};

/** Writes every document as the knowledge indexer does, `writers` at a time. */
const write = async (knex: Knex, corpus: VectorCorpus, writers: number): Promise<void> => {
  let next = 0;
  await Promise.all(
    Array.from({ length: writers }, async () => {
      for (let d = next++; d < corpus.documents.length; d = next++) {
        const document = corpus.documents[d]!;
        await knowledgeChunksWriter.saveDocumentChunks(knex, {
          workspaceId: 'ws-bench',
          knowledgeBaseId: BASE,
          documentId: document.id,
          revision: 1,
          title: `Document ${d}`,
          metadata: { shard: document.shard },
          embeddingModel: corpus.model,
          chunks: document.texts.map((text, index) => ({ index, text, headings: [], embedding: Array.from(document.embeddings[index]!) })),
        });
      }
    }),
  );
};

const BASE = '00000000-0000-4000-8000-00000000beef';

/**
 * PGlite's one WebAssembly backend writes about 80 chunks/s through the indexer's writer (full-text
 * vectors, HNSW upkeep): 100,000 would take twenty minutes. The pgvector path is loaded in bulk instead,
 * the vector columns only, and its index built after; the figure reported is the load and build.
 */
const bulkLoad = (knex: Knex, corpus: VectorCorpus) =>
  bulkLoadChunks(
    knex,
    corpus.documents.flatMap((document) =>
      document.embeddings.map((embedding, index) => ({
        workspaceId: 'ws-bench',
        knowledgeBaseId: BASE,
        documentId: document.id,
        index,
        metadata: { shard: document.shard },
        embedding,
        embeddingModel: corpus.model,
      })),
    ),
  );

/** The exact answers, computed once per query and filter: both paths and every round compare with them. */
const exactAnswers = new WeakMap<Float32Array, Map<boolean, Set<string>>>();
const exactOf = (corpus: VectorCorpus, query: Float32Array, filtered: boolean): Set<string> => {
  let answers = exactAnswers.get(query);
  if (!answers) exactAnswers.set(query, (answers = new Map()));
  let exact = answers.get(filtered);
  if (!exact) answers.set(filtered, (exact = new Set(exactTopK(corpus, query, K, filtered ? (d: CorpusDocument) => d.shard === FILTER_SHARD : undefined))));
  return exact;
};

const searches = async (vectors: ChunkVectors, corpus: VectorCorpus, filtered: boolean): Promise<SearchFigures> => {
  const latencies: number[] = [];
  let found = 0;
  for (const query of corpus.queries) {
    const started = performance.now();
    const hits = await vectors.search({
      workspaceId: 'ws-bench',
      knowledgeBaseId: BASE,
      model: corpus.model,
      vector: Array.from(query),
      k: K,
      ...(filtered ? { metadataFilter: { shard: FILTER_SHARD } } : {}),
    });
    latencies.push(performance.now() - started);
    const exact = exactOf(corpus, query, filtered);
    found += hits.filter((h) => exact.has(h.id)).length;
  }
  latencies.sort((a, b) => a - b);
  return { p50Ms: percentile(latencies, 0.5), p95Ms: percentile(latencies, 0.95), recall: found / (corpus.queries.length * K) };
};

const measurePath = async (label: string, vectors: ChunkVectors, corpus: VectorCorpus, load: () => Promise<void>): Promise<VectorPathResult> => {
  const chunks = corpus.documents.length * corpus.documents[0]!.texts.length;
  console.error(`vectors: writing ${chunks} chunks (${label})`);
  const loading = performance.now();
  await load();
  const writtenPerSecond = (chunks * 1000) / (performance.now() - loading);
  const started = performance.now();
  await vectors.search({ workspaceId: 'ws-bench', knowledgeBaseId: BASE, model: corpus.model, vector: Array.from(corpus.queries[0]!), k: K });
  const readyMs = performance.now() - started;
  console.error(`vectors: searching (${label})`);
  await searches(vectors, corpus, false); // warm: the JIT and, on PGlite, the index pages
  return { label, writtenPerSecond, readyMs, unfiltered: await searches(vectors, corpus, false), filtered: await searches(vectors, corpus, true) };
};

/**
 * Search over the same corpus on both vector paths: in-process on the bench's PostgreSQL (the embedded
 * default's path: no pgvector), and pgvector HNSW on PGlite (the only pgvector here; one WebAssembly
 * backend, one connection). Recall@10 is against an exact scan computed here; the filtered searches keep
 * one shard in ten by metadata.
 */
export const measureVectors = async (admin: Pool, serverUrl: string, corpus: VectorCorpus): Promise<VectorPathResult[]> => {
  if (corpus.documents.length < SHARDS) throw new Error('the corpus needs a document per shard at least');
  const results: VectorPathResult[] = [];
  const database = await createBenchDatabase(admin, serverUrl);
  const knex = createKnex(database.url, 4);
  try {
    await migrateToLatest(knex, MIGRATIONS);
    const vectors = createInProcessChunkVectors(knex);
    results.push(await measurePath("in-process (PostgreSQL 15; written by the indexer's writer, 4 at once)", vectors, corpus, () => write(knex, corpus, 4)));
    await vectors.close();
  } finally {
    await knex.destroy();
    await database.drop();
  }
  const pglite = await startPgliteDatabase();
  try {
    const vectors = createPgvectorChunkVectors(pglite.knex);
    const load = async () => {
      await bulkLoad(pglite.knex, corpus);
      await vectors.ensure([corpus.dimension]); // builds the HNSW index, then ANALYZE
    };
    results.push(await measurePath('pgvector HNSW (PGlite; bulk rows, then the index built)', vectors, corpus, load));
  } finally {
    await pglite.stop();
  }
  return results;
};
