import { z } from 'zod';
import { ListMemoriesQuery, MemorySearchHit, MemoryView, NotFoundError, Page, SearchMemoriesBody, Uuid } from '@agent-platform/contracts';
import { embedQuery, route, type Api } from '@agent-platform/infra';
import { memoriesReader } from '@agent-platform/projectors/readers';
import { ReadYourWritesQuery, type QueryDeps } from '../deps.js';
import { pageAnswer, pageAsked } from '../cursor.js';
import { EmbeddingUsedHeaders, embeddingHeadersOf } from '../embeddingHeaders.js';

const PROJECTIONS = ['memories'] as const;

export const memoryQueries = (api: Api, deps: QueryDeps): void => {
  route(api, {
    method: 'get',
    path: '/memories',
    summary: "List a scope's memories, newest first",
    tags: ['memories'],
    query: ListMemoriesQuery.extend(ReadYourWritesQuery.shape),
    headers: deps.queryHeaders,
    responses: { 200: { description: 'A page of memories; pass `next_cursor` as `cursor` for the next.', schema: Page(MemoryView) } },
    errors: [503],
    handler: async ({ query, headers, ctx }) => {
      await deps.consistency.awaitPosition({ headers, query }, PROJECTIONS);
      return { status: 200, body: pageAnswer(await memoriesReader.listMemories(deps.knex, ctx.workspaceId, query, pageAsked(query))) };
    },
  });

  route(api, {
    method: 'get',
    path: '/memories/:id',
    summary: 'Get a memory',
    tags: ['memories'],
    params: z.object({ id: Uuid }),
    query: ReadYourWritesQuery,
    headers: deps.queryHeaders,
    responses: { 200: { description: 'The memory.', schema: MemoryView } },
    errors: [404, 503],
    handler: async ({ params, query, headers, ctx }) => {
      await deps.consistency.awaitPosition({ headers, query }, PROJECTIONS);
      const memory = await memoriesReader.findMemory(deps.knex, ctx.workspaceId, params.id);
      if (!memory) throw new NotFoundError('MEMORY_NOT_FOUND', `memory ${params.id} does not exist in this workspace`);
      return { status: 200, body: memory };
    },
  });

  const { embeddings } = deps;
  if (!embeddings) return;
  route(api, {
    method: 'post',
    path: '/memories/search',
    summary: "Search a scope's memories: keyword (BM25), vector and importance, reranked (hybrid-local)",
    tags: ['memories'],
    query: ReadYourWritesQuery,
    body: SearchMemoriesBody,
    headers: deps.queryHeaders,
    responses: { 200: { description: 'The best hits first, at most `limit`.', schema: z.array(MemorySearchHit), headers: EmbeddingUsedHeaders } },
    errors: [503],
    handler: async ({ query, body, headers, ctx }) => {
      await deps.consistency.awaitPosition({ headers, query }, PROJECTIONS);
      const { embedded, query: queryEmbedding } = await embedQuery(embeddings, body.query);
      return { status: 200, body: await memoriesReader.searchMemories(deps.knex, ctx.workspaceId, body, queryEmbedding), headers: embeddingHeadersOf(embedded) };
    },
  });
};
