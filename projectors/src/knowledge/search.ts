import type { KnowledgeSearchHit, SearchKnowledgeBody } from '@agent-platform/contracts';
import type { Knex } from '@agent-platform/infra';
import { bm25 } from '../search/bm25.js';
import { fuse } from '../search/fusion.js';
import type { QueryEmbedding } from '../search/queryEmbedding.js';
import { KNOWLEDGE_LANGUAGE } from './chunks.js';
import { KNOWLEDGE_CHUNKS, KNOWLEDGE_DOCUMENTS } from './schema.js';
import type { ChunkVectors } from './vectors/port.js';

/**
 * The keyword side's share of `score`; the vector side has the rest (`fuse`, weighted). 0.7, tuned on the
 * even-numbered queries of the bench's retrieval-quality set (BENCHMARKS.md): with the default local
 * embedding, 0.4 ranked below plain BM25 (nDCG@10 0.995×), 0.7 above it (1.003×; 1.002× on the odd ones).
 */
export const KNOWLEDGE_KEYWORD_WEIGHT = 0.7;

export type { QueryEmbedding };

/**
 * A base's chunks ranked for a query. `vector_score` is the cosine of the query's embedding with each
 * chunk's, the nearest found by the process's vector path (`ChunkVectors`: pgvector HNSW or in-process), only
 * among chunks embedded by the query's model; `keyword_score` is BM25 over the same chunks divided by the best
 * (0–1); `score` weighs the two (`KNOWLEDGE_KEYWORD_WEIGHT`), or with `fusion: 'rrf'` adds each side's
 * 1/(60 + rank) (`fuse`). The filter narrows both sides before they
 * rank, so a filtered search still returns `top_k` hits when that many chunks match it.
 */
export const searchKnowledge = async (
  { knex, vectors }: { knex: Knex; vectors: ChunkVectors },
  workspaceId: string,
  search: Pick<SearchKnowledgeBody, 'knowledge_base_id' | 'query' | 'top_k' | 'metadata_filter'> & { fusion?: SearchKnowledgeBody['fusion'] },
  query: QueryEmbedding,
): Promise<KnowledgeSearchHit[]> => {
  const where = { workspace_id: workspaceId, knowledge_base_id: search.knowledge_base_id };
  const depth = Math.max(search.top_k * 4, 50);
  const vector = await vectors.search({
    workspaceId,
    knowledgeBaseId: search.knowledge_base_id,
    model: query.model,
    vector: query.vector,
    k: depth,
    ...(search.metadata_filter ? { metadataFilter: search.metadata_filter } : {}),
  });
  const keyword = await bm25(knex, {
    table: KNOWLEDGE_CHUNKS,
    columns: { id: 'id', tsv: 'tsv', tokens: 'tokens' },
    where,
    ...(search.metadata_filter ? { contains: { column: 'metadata_json', value: search.metadata_filter } } : {}),
    query: search.query,
    language: KNOWLEDGE_LANGUAGE,
    limit: depth,
  });
  const fused = fuse(
    keyword,
    vector,
    search.fusion === 'rrf' ? { mode: 'rrf' } : { mode: 'weighted', keywordWeight: KNOWLEDGE_KEYWORD_WEIGHT },
  )
    .filter((h) => h.score > 0)
    .slice(0, search.top_k);
  if (fused.length === 0) return [];
  const rows = (await knex(`${KNOWLEDGE_CHUNKS} as c`)
    .join(`${KNOWLEDGE_DOCUMENTS} as d`, function () {
      this.on('d.id', 'c.document_id').andOn('d.workspace_id', 'c.workspace_id');
    })
    .where('c.workspace_id', workspaceId)
    .whereIn(
      'c.id',
      fused.map((h) => h.id),
    )
    .select('c.id', 'c.document_id', 'c.chunk_index', 'c.content_text', 'c.headings', 'c.metadata_json', 'd.title')) as Record<string, unknown>[];
  const byId = new Map(rows.map((r) => [String(r.id), r]));
  // A chunk whose document was deleted between the two reads is left out.
  return fused.flatMap((h) => {
    const r = byId.get(h.id);
    if (!r) return [];
    return [
      {
        chunk_id: h.id,
        document_id: String(r.document_id),
        document_title: String(r.title),
        chunk_index: Number(r.chunk_index),
        content_text: String(r.content_text),
        headings: r.headings as string[],
        metadata_json: r.metadata_json as Record<string, unknown>,
        vector_score: h.vector_score,
        keyword_score: h.keyword_score,
        score: h.score,
      },
    ];
  });
};
