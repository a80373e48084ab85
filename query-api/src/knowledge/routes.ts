import { z } from 'zod';
import {
  DocumentView,
  KnowledgeBaseView,
  KnowledgeSearchHit,
  ListDocumentsQuery,
  ListKnowledgeBasesQuery,
  NotFoundError,
  Page,
  SearchKnowledgeBody,
  Uuid,
} from '@agent-platform/contracts';
import { embedQuery, route, type Api } from '@agent-platform/infra';
import { knowledgeReader } from '@agent-platform/projectors/readers';
import { ReadYourWritesQuery, type QueryDeps } from '../deps.js';
import { pageAnswer, pageAsked } from '../cursor.js';
import { EmbeddingUsedHeaders, embeddingHeadersOf } from '../embeddingHeaders.js';

const PROJECTIONS = ['knowledge'] as const;

export const knowledgeQueryRoutes = (api: Api, deps: QueryDeps): void => {
  const baseNotFound = (id: string) => new NotFoundError('KNOWLEDGE_BASE_NOT_FOUND', `knowledge base ${id} does not exist in this workspace`);

  route(api, {
    method: 'get',
    path: '/knowledge/bases',
    summary: "List the workspace's knowledge bases, newest first",
    tags: ['knowledge'],
    query: ListKnowledgeBasesQuery.extend(ReadYourWritesQuery.shape),
    headers: deps.queryHeaders,
    responses: { 200: { description: 'A page of bases; pass `next_cursor` as `cursor` for the next.', schema: Page(KnowledgeBaseView) } },
    errors: [503],
    handler: async ({ query, headers, ctx }) => {
      await deps.consistency.awaitPosition({ headers, query }, PROJECTIONS);
      return { status: 200, body: pageAnswer(await knowledgeReader.listKnowledgeBases(deps.knex, ctx.workspaceId, query, pageAsked(query))) };
    },
  });

  route(api, {
    method: 'get',
    path: '/knowledge/bases/:id',
    summary: 'Get a knowledge base',
    tags: ['knowledge'],
    params: z.object({ id: Uuid }),
    query: ReadYourWritesQuery,
    headers: deps.queryHeaders,
    responses: { 200: { description: 'The base.', schema: KnowledgeBaseView } },
    errors: [404, 503],
    handler: async ({ params, query, headers, ctx }) => {
      await deps.consistency.awaitPosition({ headers, query }, PROJECTIONS);
      const base = await knowledgeReader.findKnowledgeBase(deps.knex, ctx.workspaceId, params.id);
      if (!base) throw baseNotFound(params.id);
      return { status: 200, body: base };
    },
  });

  route(api, {
    method: 'get',
    path: '/knowledge/documents',
    summary: "List a knowledge base's documents, newest first, with their indexing status",
    tags: ['knowledge'],
    query: ListDocumentsQuery.extend(ReadYourWritesQuery.shape),
    headers: deps.queryHeaders,
    responses: { 200: { description: 'A page of documents; pass `next_cursor` as `cursor` for the next.', schema: Page(DocumentView) } },
    errors: [503],
    handler: async ({ query, headers, ctx }) => {
      await deps.consistency.awaitPosition({ headers, query }, PROJECTIONS);
      return { status: 200, body: pageAnswer(await knowledgeReader.listDocuments(deps.knex, ctx.workspaceId, query.knowledge_base_id, pageAsked(query))) };
    },
  });

  route(api, {
    method: 'get',
    path: '/knowledge/documents/:id',
    summary: 'Get a document: its title, metadata and indexing status (pending, indexed with its chunk count, or failed with the error)',
    tags: ['knowledge'],
    params: z.object({ id: Uuid }),
    query: ReadYourWritesQuery,
    headers: deps.queryHeaders,
    responses: { 200: { description: 'The document.', schema: DocumentView } },
    errors: [404, 503],
    handler: async ({ params, query, headers, ctx }) => {
      await deps.consistency.awaitPosition({ headers, query }, PROJECTIONS);
      const document = await knowledgeReader.findDocument(deps.knex, ctx.workspaceId, params.id);
      if (!document) throw new NotFoundError('DOCUMENT_NOT_FOUND', `document ${params.id} does not exist in this workspace`);
      return { status: 200, body: document };
    },
  });

  const { embeddings, chunkVectors } = deps;
  if (!embeddings || !chunkVectors) return;
  route(api, {
    method: 'post',
    path: '/knowledge/search',
    summary: "Search a knowledge base's chunks: keyword (BM25) and vector (cosine), fused by weight; optionally only documents whose metadata contains `metadata_filter`",
    tags: ['knowledge'],
    query: ReadYourWritesQuery,
    body: SearchKnowledgeBody,
    headers: deps.queryHeaders,
    responses: { 200: { description: 'The best chunks first, at most `top_k`.', schema: z.array(KnowledgeSearchHit), headers: EmbeddingUsedHeaders } },
    errors: [404, 503],
    handler: async ({ query, body, headers, ctx }) => {
      await deps.consistency.awaitPosition({ headers, query }, PROJECTIONS);
      if (!(await knowledgeReader.findKnowledgeBase(deps.knex, ctx.workspaceId, body.knowledge_base_id))) throw baseNotFound(body.knowledge_base_id);
      const { embedded, query: queryEmbedding } = await embedQuery(embeddings, body.query);
      return { status: 200, body: await knowledgeReader.searchKnowledge({ knex: deps.knex, vectors: chunkVectors }, ctx.workspaceId, body, queryEmbedding), headers: embeddingHeadersOf(embedded) };
    },
  });
};
