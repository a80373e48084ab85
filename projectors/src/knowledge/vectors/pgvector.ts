import type { Knex } from '@agent-platform/infra';
import type { VectorHit } from '../../search/flatIndex.js';
import { KNOWLEDGE_CHUNKS } from '../schema.js';
import type { ChunkVectorQuery, ChunkVectors } from './port.js';

/**
 * Candidates an HNSW scan keeps (pgvector's default is 40). Over the bench's clustered corpus (BENCHMARKS.md,
 * "Vector search at scale") 100 gave recall@10 0.93 at 5,000 chunks, 200 gave 0.98, 400 gave 0.997 (0.98
 * filtered to a tenth) for a p95 of 30 ms on PGlite: recall is the guarantee, so 400.
 */
const EF_SEARCH = 400;

/**
 * A filtered scan asks for this many times `k` and keeps the best `k`: the iterative scan stops as soon as
 * LIMIT rows pass the filter, so asking for more walks further through the graph before it stops. Over
 * 100,000 chunks filtered to a tenth (BENCHMARKS.md, "Vector search at scale"): recall@10 0.805 asking for
 * `k`, 0.850 for 4k, 0.915 for 10k, at p95 50, 36 and 54 ms on PGlite.
 */
const FILTERED_OVERFETCH = 10;

const dimensionOf = (dimension: number): number => {
  if (!Number.isInteger(dimension) || dimension < 1 || dimension > 2000) throw new Error(`pgvector HNSW cannot index dimension ${dimension}`);
  return dimension;
};

/** The expression and predicate the index is built on: queries repeat both verbatim so the planner picks the index. */
const expression = (n: number): string => `(embedding::vector(${n}))`;
const predicate = (n: number): string => `array_length(embedding, 1) = ${n}`;

/**
 * pgvector over `rm_knowledge_chunks`: no extra column, one partial HNSW expression index per dimension
 * over the `real[]` cast to `vector(N)`. A filtered search uses iterative scans (pgvector ≥ 0.8) so the
 * filter narrows candidates as the scan goes; if the scan still yields fewer than `k` while more rows
 * match, an exact query over the same filter completes it (the port's guarantee of a full `k`).
 */
export const createPgvectorChunkVectors = (knex: Knex) => {
  const indexed = new Set<number>();
  let version: string | undefined;

  const ensure = async (dimensions: readonly number[]): Promise<void> => {
    await knex.raw('CREATE EXTENSION IF NOT EXISTS vector');
    const existing = await knex.raw(`SELECT DISTINCT array_length(embedding, 1) AS n FROM ${KNOWLEDGE_CHUNKS}`);
    const all = new Set([...dimensions, ...existing.rows.map((row: { n: number | null }) => row.n).filter((n: number | null) => n != null)]);
    for (const raw of all) {
      const n = dimensionOf(Number(raw));
      await knex.raw(
        `CREATE INDEX IF NOT EXISTS ${KNOWLEDGE_CHUNKS}_hnsw_${n} ON ${KNOWLEDGE_CHUNKS} USING hnsw (${expression(n)} vector_cosine_ops) WHERE ${predicate(n)}`,
      );
      indexed.add(n);
    }
    // Without statistics the planner ranks by a sort over the base's rows, not by the index (PGlite has no autovacuum to gather them).
    await knex.raw(`ANALYZE ${KNOWLEDGE_CHUNKS}`);
    version = (await knex.raw(`SELECT extversion FROM pg_extension WHERE extname = 'vector'`)).rows[0]?.extversion;
  };

  const filtered = (q: Knex.QueryBuilder, query: ChunkVectorQuery, n: number): Knex.QueryBuilder => {
    q.where({ workspace_id: query.workspaceId, knowledge_base_id: query.knowledgeBaseId, embedding_model: query.model }).whereRaw(predicate(n));
    if (query.metadataFilter) q.whereRaw('metadata_json @> ?::jsonb', [JSON.stringify(query.metadataFilter)]);
    return q;
  };

  const nearest = (db: Knex | Knex.Transaction, query: ChunkVectorQuery, n: number, k: number) => {
    const literal = `[${query.vector.join(',')}]`;
    const q = filtered(db(KNOWLEDGE_CHUNKS), query, n)
      .select('id', db.raw(`${expression(n)} <=> ?::vector(${n}) AS distance`, [literal]))
      .orderByRaw(`${expression(n)} <=> ?::vector(${n})`, [literal])
      .limit(k);
    return q as unknown as Promise<{ id: string; distance: number }[]>;
  };

  const search = async (query: ChunkVectorQuery): Promise<VectorHit[]> => {
    const n = dimensionOf(query.vector.length);
    if (query.k < 1) return [];
    if (!indexed.has(n)) await ensure([n]); // a base of a dimension first seen since start
    const rows = await knex.transaction(async (trx) => {
      // SET LOCAL: the settings last this transaction only, on a pool where every session is shared.
      await trx.raw(`SET LOCAL hnsw.ef_search = ${Math.max(EF_SEARCH, query.k)}`);
      await trx.raw(`SET LOCAL hnsw.iterative_scan = relaxed_order`);
      const found = await nearest(trx, query, n, query.metadataFilter ? query.k * FILTERED_OVERFETCH : query.k);
      // relaxed_order may return rows slightly out of order: re-sorted below.
      if (found.length >= query.k) return found;
      const [{ count }] = await filtered(trx(KNOWLEDGE_CHUNKS), query, n).count({ count: '*' });
      if (Number(count) <= found.length) return found;
      await trx.raw('SET LOCAL enable_indexscan = off');
      // The scan stopped early: the exact k over the same filter, the index off (a sequential scan ranks every match).
      return nearest(trx, query, n, query.k);
    });
    return rows
      .map((row) => ({ id: row.id, score: 1 - Number(row.distance) }))
      .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id))
      .slice(0, query.k);
  };

  const vectors: ChunkVectors & { ensure: typeof ensure } = {
    path: 'pgvector',
    ensure,
    search,
    describe: async () => ({ path: 'pgvector', pgvector_version: version ?? null, indexed_dimensions: [...indexed].sort((a, b) => a - b), ef_search: EF_SEARCH, iterative_scan: 'relaxed_order' }),
    close: async () => {},
  };
  return vectors;
};
