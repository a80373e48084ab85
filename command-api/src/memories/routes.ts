import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  CommandAccepted,
  ForgetMemoryScopeBody,
  MEMORY_SCOPES_CATEGORY,
  MemoryContent,
  SealedContent,
  UpdateMemoryBody,
  Uuid,
  WriteMemoryBody,
  streamId,
  type MemoryScopeType,
} from '@agent-platform/contracts';
import { route, uuidFrom, type Api } from '@agent-platform/infra';
import { eraseThenRecord } from '../erasure.js';
import { openNewest } from '../sealed.js';
import { commandIdFor } from '../handler.js';
import { accepted, type CommandDeps } from '../http.js';
import { memoryDecider } from './decider.js';
import { memoryScopeTagOf, memoryStreamOf, memorySubjectOf, sealMemory, writeMemory, type MemoryServices } from './write.js';

/** A scope's stream: one per scope and workspace, named by a hash, since scope ids are the caller's text. */
const scopeIdOf = (workspaceId: string, scopeType: MemoryScopeType, scopeId: string) => uuidFrom('memory-scope', workspaceId, scopeType, scopeId);

/**
 * Memories are personal content, so their text, metadata and embedding go into the log sealed under a data
 * key of their own (docs/erasure.md): forgetting destroys the key first, then records it, so there is no
 * moment at which a forgotten memory can still be read.
 */
export const memoryRoutes = (api: Api, deps: CommandDeps & { memories: MemoryServices }): void => {
  const { dataKeys } = deps.memories;

  /** The memory's scope and its content as last recorded, opened: what an update that changes only part of it starts from. */
  const current = async (workspaceId: string, memoryId: string) => {
    const events = await deps.store.readStream(memoryStreamOf(memoryId));
    const content = await openNewest(dataKeys, { workspaceId, subject: memorySubjectOf(memoryId) }, events);
    if (content === undefined) return undefined;
    const { scope_type, scope_id } = events[0]!.data as { scope_type: MemoryScopeType; scope_id: string };
    return { content: MemoryContent.parse(content), scopeTag: memoryScopeTagOf(scope_type, scope_id) };
  };

  route(api, {
    method: 'post',
    path: '/memories',
    summary: 'Write a memory to a scope (user, session, agent or team)',
    tags: ['memories'],
    body: WriteMemoryBody,
    headers: deps.commandHeaders,
    responses: { 201: { description: 'Written; `id` is the memory id.', schema: CommandAccepted } },
    errors: [409, 422],
    handler: async ({ body, headers, ctx, req }) => {
      const context = deps.contextOf(ctx, req, headers, body);
      // A retry with the same key seals under the same memory's key: no orphan key per retry.
      const id = context.idempotencyKey ? uuidFrom('memory', ctx.workspaceId, context.idempotencyKey) : randomUUID();
      // A retry gets its first answer before anything is sealed, even once the memory it wrote is forgotten.
      const prior = context.idempotencyKey ? await deps.store.findCommand(commandIdFor(ctx.workspaceId, context.idempotencyKey), context.fingerprint) : undefined;
      if (prior) return accepted(201, id, prior);
      const result = await writeMemory(deps.memories, { workspaceId: ctx.workspaceId, memoryId: id, body, provenance: null }, (memoryStream, command) =>
        deps.handle(memoryDecider, memoryStream, command, context, { newStream: true }),
      );
      return accepted(201, id, result);
    },
  });

  route(api, {
    method: 'patch',
    path: '/memories/:id',
    summary: 'Change a memory: its text, metadata, type, importance or expiry',
    tags: ['memories'],
    params: z.object({ id: Uuid }),
    body: UpdateMemoryBody,
    headers: deps.commandHeaders,
    responses: { 202: { description: 'Changed.', schema: CommandAccepted } },
    errors: [404, 409, 422],
    handler: async ({ params, body, headers, ctx, req }) => {
      const { content_text, metadata_json, ...fields } = body;
      let content: SealedContent | undefined;
      if (content_text !== undefined || metadata_json !== undefined) {
        // Nothing to start from: the memory is not this workspace's, or it is forgotten; the decider says which.
        const was = await current(ctx.workspaceId, params.id);
        if (was) {
          content = await sealMemory(deps.memories, ctx.workspaceId, params.id, was.scopeTag, {
            content_text: content_text ?? was.content.content_text,
            metadata_json: metadata_json ?? was.content.metadata_json,
          });
        }
      }
      const result = await deps.handle(
        memoryDecider,
        memoryStreamOf(params.id),
        { type: 'UpdateMemory', data: { ...fields, memory_id: params.id, workspace_id: ctx.workspaceId, ...(content ? { content } : {}) } },
        deps.contextOf(ctx, req, headers, { params, body }),
      );
      return accepted(202, params.id, result);
    },
  });

  route(api, {
    method: 'delete',
    path: '/memories/:id',
    summary: 'Forget a memory: its data key is destroyed, so no replay, rebuild or consumer can read it again',
    tags: ['memories'],
    params: z.object({ id: Uuid }),
    headers: deps.commandHeaders,
    responses: { 202: { description: 'Forgotten.', schema: CommandAccepted } },
    errors: [404, 409],
    handler: async ({ params, headers, ctx, req }) => {
      const context = deps.contextOf(ctx, req, headers, { params });
      const forget = { type: 'ForgetMemory', data: { memory_id: params.id, workspace_id: ctx.workspaceId, reason: null } } as const;
      const result = await eraseThenRecord(deps, memoryDecider, memoryStreamOf(params.id), forget, context, () =>
        dataKeys.destroyKey({ workspaceId: ctx.workspaceId, subject: memorySubjectOf(params.id) }),
      );
      return accepted(202, params.id, result);
    },
  });

  route(api, {
    method: 'delete',
    path: '/memories',
    summary: 'Forget every memory of one scope (all memories of a user, say), and nothing else',
    tags: ['memories'],
    query: ForgetMemoryScopeBody,
    headers: deps.commandHeaders,
    responses: { 202: { description: 'Forgotten; `id` names the scope.', schema: CommandAccepted } },
    errors: [422],
    handler: async ({ query, headers, ctx, req }) => {
      await dataKeys.destroyScope({ workspaceId: ctx.workspaceId, kind: 'memory', scope: memoryScopeTagOf(query.scope_type, query.scope_id) });
      const id = scopeIdOf(ctx.workspaceId, query.scope_type, query.scope_id);
      const result = await deps.handle(
        memoryDecider,
        streamId(MEMORY_SCOPES_CATEGORY, id),
        { type: 'ForgetMemoryScope', data: { ...query, workspace_id: ctx.workspaceId } },
        deps.contextOf(ctx, req, headers, { query }),
        { retryOnConflict: 5 },
      );
      return accepted(202, id, result);
    },
  });
};
