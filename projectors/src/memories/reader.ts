import { MEMORY_RERANK_MODE, MemoryView, type ListMemoriesQuery, type MemorySearchHit, type SearchMemoriesBody } from '@agent-platform/contracts';
import { embeddingUsedOf, type Knex } from '@agent-platform/infra';
import { newestFirstPage, type PageOf, type PageRequest } from '../newestFirstPage.js';
import { iso, isoOrNull } from '../rows.js';
import { bm25 } from '../search/bm25.js';
import type { QueryEmbedding } from '../search/queryEmbedding.js';
import { MEMORY_LANGUAGE } from './projector.js';
import { MEMORIES } from './schema.js';

/** What other packages may ask of the memories read model; its table is this package's to change. */

const VIEW_COLUMNS = [
  'id',
  'workspace_id',
  'scope_type',
  'scope_id',
  'memory_type',
  'content_text',
  'importance_score',
  'metadata_json',
  'expires_at',
  'provenance',
  'embedding_model',
  'created_time',
  'updated_time',
] as const;

const toMemoryView = (row: Record<string, unknown>): MemoryView =>
  MemoryView.parse({
    ...row,
    importance_score: Number(row.importance_score),
    expires_at: isoOrNull(row.expires_at),
    embedding_used: embeddingUsedOf(String(row.embedding_model)),
    created_time: iso(row.created_time),
    updated_time: iso(row.updated_time),
  });

/** An expired memory is gone for every read, before anything removes it. */
const live = (knex: Knex, q: Knex.QueryBuilder) => q.andWhere((w) => w.whereNull('expires_at').orWhere('expires_at', '>', knex.fn.now()));

export const findMemory = async (knex: Knex, workspaceId: string, memoryId: string): Promise<MemoryView | undefined> => {
  const row = await live(knex, knex(MEMORIES).select(VIEW_COLUMNS).where({ workspace_id: workspaceId, id: memoryId })).first();
  return row ? toMemoryView(row) : undefined;
};

/** The memories of these ids still readable in the workspace (not forgotten, not expired), in no order. */
export const findMemories = async (knex: Knex, workspaceId: string, memoryIds: readonly string[]): Promise<MemoryView[]> => {
  if (!memoryIds.length) return [];
  const rows = await live(knex, knex(MEMORIES).select(VIEW_COLUMNS).where({ workspace_id: workspaceId }).whereIn('id', [...memoryIds]));
  return rows.map(toMemoryView);
};

/** One page of a scope's memories, newest first. */
export const listMemories = (
  knex: Knex,
  workspaceId: string,
  filter: Pick<ListMemoriesQuery, 'scope_type' | 'scope_id' | 'memory_type'>,
  page: PageRequest,
): Promise<PageOf<MemoryView>> => {
  const q = knex(MEMORIES).select(VIEW_COLUMNS).where({ workspace_id: workspaceId, scope_type: filter.scope_type, scope_id: filter.scope_id });
  if (filter.memory_type) q.andWhere({ memory_type: filter.memory_type });
  return newestFirstPage(live(knex, q), page, toMemoryView);
};

/** Up to `limit` memories past their `expires_at` at `now`, of every workspace, the longest overdue first: what the expiry sweeper erases. */
export const dueForExpiry = async (knex: Knex, now: Date, limit: number): Promise<{ workspace_id: string; id: string }[]> =>
  knex(MEMORIES).select('workspace_id', 'id').whereNotNull('expires_at').andWhere('expires_at', '<=', now).orderBy('expires_at').limit(limit);

/** How the three signals weigh in a hit's `score` (the seed's `hybrid-local` rerank). */
export const MEMORY_WEIGHTS = { vector: 0.45, keyword: 0.35, importance: 0.2 } as const;

/**
 * A scope's memories ranked for a query: `vector_score` is the cosine similarity of the query's embedding
 * with each memory's (every memory of the scope scored exactly, in SQL; 0 for a memory embedded by another
 * model, whose vector is not comparable: after a provider fell back to the local one, say), `keyword_score` BM25 over the
 * scope's memories divided by the best of them (0–1), `importance_score` the memory's importance over 100;
 * `score` weighs them (`MEMORY_WEIGHTS`). A memory neither side finds is not a hit.
 */
export const searchMemories = async (
  knex: Knex,
  workspaceId: string,
  search: Pick<SearchMemoriesBody, 'query' | 'scope_type' | 'scope_id' | 'limit' | 'memory_types'>,
  query: QueryEmbedding,
): Promise<MemorySearchHit[]> => {
  const cosine = knex.raw('CASE WHEN embedding_model = ? THEN (SELECT sum(a * b) FROM unnest(embedding, ?::real[]) AS t(a, b)) END AS vector_score', [
    query.model,
    [...query.vector],
  ]);
  const scope = { workspace_id: workspaceId, scope_type: search.scope_type, scope_id: search.scope_id };
  const q = live(knex, knex(MEMORIES).where(scope));
  if (search.memory_types) q.whereIn('memory_type', search.memory_types);
  // Every memory of the scope gets its exact cosine: both vectors have length 1, so it is their dot product.
  const rows = (await q
    .select([...VIEW_COLUMNS, cosine])
    .orderBy('vector_score', 'desc')
    .limit(Math.max(search.limit * 4, 50))) as (Record<string, unknown> & { vector_score: number | null })[];
  const keyword = await bm25(knex, {
    table: MEMORIES,
    columns: { id: 'id', tsv: 'tsv', tokens: 'tokens' },
    where: scope,
    query: search.query,
    language: MEMORY_LANGUAGE,
    limit: Math.max(search.limit * 4, 50),
  });
  const byId = new Map(rows.map((r) => [String(r.id), r]));
  // Keyword hits past the vector side's cut-off are read too, so a strong keyword match is never lost.
  const missing = keyword.map((h) => h.id).filter((id) => !byId.has(id));
  if (missing.length) {
    const more = live(knex, knex(MEMORIES).where(scope).whereIn('id', missing));
    if (search.memory_types) more.whereIn('memory_type', search.memory_types);
    for (const r of (await more.select([...VIEW_COLUMNS, cosine])) as (Record<string, unknown> & {
      vector_score: number | null;
    })[]) {
      byId.set(String(r.id), r);
    }
  }
  const top = Math.max(0, ...keyword.map((h) => h.score));
  const keywordOf = new Map(keyword.map((h) => [h.id, top > 0 ? h.score / top : 0]));
  const hits = [...byId.values()]
    .map(({ vector_score, ...row }) => {
      const view = toMemoryView(row);
      const vector = Math.max(0, Number(vector_score ?? 0));
      const keywordScore = keywordOf.get(view.id) ?? 0;
      const importance = view.importance_score / 100;
      return {
        ...view,
        keyword_score: keywordScore,
        vector_score: vector,
        importance_score: importance,
        score: MEMORY_WEIGHTS.vector * vector + MEMORY_WEIGHTS.keyword * keywordScore + MEMORY_WEIGHTS.importance * importance,
        rerank_mode: MEMORY_RERANK_MODE,
      };
    })
    .filter((h) => h.keyword_score > 0 || h.vector_score > 0);
  return hits.sort((a, b) => b.score - a.score || a.id.localeCompare(b.id)).slice(0, search.limit);
};
