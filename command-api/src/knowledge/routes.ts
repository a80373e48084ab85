import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  AddDocumentBody,
  CommandAccepted,
  ConflictError,
  CreateKnowledgeBaseBody,
  DocumentContent,
  KNOWLEDGE_BASES_CATEGORY,
  KNOWLEDGE_DOCUMENTS_CATEGORY,
  NotFoundError,
  UpdateDocumentBody,
  Uuid,
  streamId,
  type DocumentSourceType,
} from '@agent-platform/contracts';
import { DataKeyDestroyed, route, sealContent, uuidFrom, type Api, type DataKeys, type EmbeddingProvider } from '@agent-platform/infra';
import { loadState } from '../handler.js';
import { eraseThenRecord } from '../erasure.js';
import { openNewest } from '../sealed.js';
import { accepted, type CommandDeps } from '../http.js';
import { knowledgeDecider } from './decider.js';

export type KnowledgeServices = { dataKeys: DataKeys; embeddings: EmbeddingProvider };

const baseStream = (id: string) => streamId(KNOWLEDGE_BASES_CATEGORY, id);
const documentStream = (id: string) => streamId(KNOWLEDGE_DOCUMENTS_CATEGORY, id);
/** A document's data key, and the scope that deleting its whole base will destroy (docs/erasure.md). */
export const documentSubjectOf = (documentId: string) => `document:${documentId}`;
const baseScopeOf = (baseId: string) => `kb:${baseId}`;
/** 5 MB of text, as JSON, with room for the other fields and escapes; larger is a 413 (the platform's default is 2 MB). */
const DOCUMENT_BODY_LIMIT_BYTES = 6 * 1024 * 1024;

/**
 * Knowledge bases and their documents. A document's title, text and metadata are the customer's, so they go
 * into the log sealed under a data key of the document's own; deleting it destroys the key first, then
 * records it. Indexing is not done here: the knowledge indexer (processors) reacts to the events.
 */
export const knowledgeRoutes = (api: Api, deps: CommandDeps & { knowledge: KnowledgeServices }): void => {
  const { dataKeys, embeddings } = deps.knowledge;

  const seal = async (workspaceId: string, documentId: string, baseId: string, content: DocumentContent) => {
    const key = await dataKeys.createKey({ workspaceId, subject: documentSubjectOf(documentId), scopes: [baseScopeOf(baseId)] });
    return sealContent(key, DocumentContent.parse(content));
  };

  /** The document's base and content as last recorded, opened: what an update that changes part of it starts from. */
  const current = async (workspaceId: string, documentId: string) => {
    const events = await deps.store.readStream(documentStream(documentId));
    let sourceType: DocumentSourceType | undefined;
    for (const event of events) sourceType = (event.data as { source_type?: DocumentSourceType }).source_type ?? sourceType;
    if (!sourceType || events[0]?.metadata.workspace_id !== workspaceId) return undefined;
    const content = await openNewest(dataKeys, { workspaceId, subject: documentSubjectOf(documentId) }, events);
    if (content === undefined) return undefined;
    return { content: DocumentContent.parse(content), sourceType, baseId: (events[0]!.data as { knowledge_base_id: string }).knowledge_base_id };
  };

  route(api, {
    method: 'post',
    path: '/knowledge/bases',
    summary: 'Create a knowledge base (`code` unique in the workspace); its chunks are embedded with the embedding this process uses',
    tags: ['knowledge'],
    body: CreateKnowledgeBaseBody,
    headers: deps.commandHeaders,
    responses: { 201: { description: 'Created; `id` is the base id.', schema: CommandAccepted } },
    errors: [409, 422],
    handler: async ({ body, headers, ctx, req }) => {
      // Derived from the code, so a second base with the same code meets the first one's stream: 409.
      const id = uuidFrom('knowledge-base', ctx.workspaceId, body.code);
      const embedding = { provider: embeddings.name, model: embeddings.model, dimension: embeddings.dimension };
      const result = await deps.handle(
        knowledgeDecider,
        baseStream(id),
        { type: 'CreateKnowledgeBase', data: { ...body, knowledge_base_id: id, workspace_id: ctx.workspaceId, embedding } },
        // Read, not `newStream`: a taken code is the decider's 409 (KNOWLEDGE_BASE_CODE_TAKEN), not a version conflict.
        deps.contextOf(ctx, req, headers, body),
      );
      return accepted(201, id, result);
    },
  });

  route(api, {
    method: 'delete',
    path: '/knowledge/bases/:id',
    summary: "Delete a knowledge base and every document of it: exactly its documents' data keys are destroyed, and their chunks removed",
    tags: ['knowledge'],
    params: z.object({ id: Uuid }),
    headers: deps.commandHeaders,
    responses: { 202: { description: 'Deleted.', schema: CommandAccepted } },
    errors: [404, 409],
    handler: async ({ params, headers, ctx, req }) => {
      const command = { type: 'DeleteKnowledgeBase', data: { knowledge_base_id: params.id, workspace_id: ctx.workspaceId } } as const;
      const result = await eraseThenRecord(deps, knowledgeDecider, baseStream(params.id), command, deps.contextOf(ctx, req, headers, { params }), () =>
        dataKeys.destroyScope({ workspaceId: ctx.workspaceId, kind: 'document', scope: baseScopeOf(params.id) }),
      );
      return accepted(202, params.id, result);
    },
  });

  route(api, {
    method: 'post',
    path: '/knowledge/documents',
    summary: 'Add a document (text, markdown or html, up to 5 MB) to a knowledge base; it is indexed in the background (status pending, then indexed or failed)',
    tags: ['knowledge'],
    body: AddDocumentBody,
    headers: deps.commandHeaders,
    bodyLimitBytes: DOCUMENT_BODY_LIMIT_BYTES,
    responses: { 201: { description: 'Added; `id` is the document id.', schema: CommandAccepted } },
    errors: [404, 409, 422],
    handler: async ({ body, headers, ctx, req }) => {
      const base = await loadState(deps.store, knowledgeDecider, baseStream(body.knowledge_base_id));
      if (base.status !== 'base' || base.workspaceId !== ctx.workspaceId) {
        throw new NotFoundError('KNOWLEDGE_BASE_NOT_FOUND', `knowledge base ${body.knowledge_base_id} does not exist in this workspace`);
      }
      const context = deps.contextOf(ctx, req, headers, body);
      // A retry with the same key seals under the same document's key: no orphan key per retry.
      const id = context.idempotencyKey ? uuidFrom('knowledge-document', ctx.workspaceId, context.idempotencyKey) : randomUUID();
      const { title, content_text, metadata_json, source_type, knowledge_base_id } = body;
      const content = await seal(ctx.workspaceId, id, knowledge_base_id, { title, content_text, metadata_json }).catch((error: unknown) => {
        if (error instanceof DataKeyDestroyed) throw new ConflictError('DOCUMENT_DELETED', `document ${id} was deleted`);
        throw error;
      });
      const result = await deps.handle(
        knowledgeDecider,
        documentStream(id),
        { type: 'AddDocument', data: { document_id: id, workspace_id: ctx.workspaceId, knowledge_base_id, source_type, content } },
        context,
        { newStream: true },
      );
      return accepted(201, id, result);
    },
  });

  route(api, {
    method: 'patch',
    path: '/knowledge/documents/:id',
    summary: "Change a document's title, text, source type or metadata; it is indexed again",
    tags: ['knowledge'],
    params: z.object({ id: Uuid }),
    body: UpdateDocumentBody,
    headers: deps.commandHeaders,
    bodyLimitBytes: DOCUMENT_BODY_LIMIT_BYTES,
    responses: { 202: { description: 'Changed.', schema: CommandAccepted } },
    errors: [404, 409, 422],
    handler: async ({ params, body, headers, ctx, req }) => {
      const was = await current(ctx.workspaceId, params.id);
      if (!was) {
        // Nothing to start from: the document is not this workspace's, or it is deleted (the decider says which), or its base is.
        const state = await loadState(deps.store, knowledgeDecider, documentStream(params.id));
        knowledgeDecider.decide({ type: 'UpdateDocument', data: { document_id: params.id, workspace_id: ctx.workspaceId } }, state);
        throw new ConflictError('DOCUMENT_DELETED', `document ${params.id} was deleted with its knowledge base`);
      }
      const source_type = body.source_type ?? was.sourceType;
      const content = await seal(ctx.workspaceId, params.id, was.baseId, {
        title: body.title ?? was.content.title,
        content_text: body.content_text ?? was.content.content_text,
        metadata_json: body.metadata_json ?? was.content.metadata_json,
      });
      const result = await deps.handle(
        knowledgeDecider,
        documentStream(params.id),
        // Every change carries the whole content, so it is a new revision and indexed again (the source type changes the cut too).
        { type: 'UpdateDocument', data: { document_id: params.id, workspace_id: ctx.workspaceId, source_type, content } },
        deps.contextOf(ctx, req, headers, { params, body }),
        // The indexer records its outcomes on the same stream: its append is no conflict of the client's.
        { retryOnConflict: 5 },
      );
      return accepted(202, params.id, result);
    },
  });

  route(api, {
    method: 'delete',
    path: '/knowledge/documents/:id',
    summary: 'Delete a document: its data key is destroyed, so no replay, rebuild or consumer can read it again, and its chunks are removed',
    tags: ['knowledge'],
    params: z.object({ id: Uuid }),
    headers: deps.commandHeaders,
    responses: { 202: { description: 'Deleted.', schema: CommandAccepted } },
    errors: [404, 409],
    handler: async ({ params, headers, ctx, req }) => {
      const command = { type: 'DeleteDocument', data: { document_id: params.id, workspace_id: ctx.workspaceId } } as const;
      const result = await eraseThenRecord(deps, knowledgeDecider, documentStream(params.id), command, deps.contextOf(ctx, req, headers, { params }), () =>
        dataKeys.destroyKey({ workspaceId: ctx.workspaceId, subject: documentSubjectOf(params.id) }),
      );
      return accepted(202, params.id, result);
    },
  });

  route(api, {
    method: 'post',
    path: '/knowledge/documents/:id/reindex',
    summary: 'Index a document again from its current content',
    tags: ['knowledge'],
    params: z.object({ id: Uuid }),
    headers: deps.commandHeaders,
    responses: { 202: { description: 'Asked; the status is pending until the indexer records the outcome.', schema: CommandAccepted } },
    errors: [404, 409],
    handler: async ({ params, headers, ctx, req }) => {
      const result = await deps.handle(
        knowledgeDecider,
        documentStream(params.id),
        { type: 'RequestDocumentReindex', data: { document_id: params.id, workspace_id: ctx.workspaceId } },
        deps.contextOf(ctx, req, headers, { params }),
        { retryOnConflict: 5 },
      );
      return accepted(202, params.id, result);
    },
  });
};
