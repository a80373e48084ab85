import { ConflictError, MEMORIES_CATEGORY, MemoryContent, streamId, type MemoryCommand, type MemoryProvenance, type MemoryScopeType, type WriteMemoryBody } from '@agent-platform/contracts';
import { DataKeyDestroyed, sealContent, type DataKeys, type EmbeddingProvider } from '@agent-platform/infra';

export type MemoryServices = { dataKeys: DataKeys; embeddings: EmbeddingProvider };
export type WriteMemoryCommand = Extract<MemoryCommand, { type: 'WriteMemory' }>;

export const memoryStreamOf = (memoryId: string) => streamId(MEMORIES_CATEGORY, memoryId);
export const memorySubjectOf = (memoryId: string) => `memory:${memoryId}`;
export const memoryScopeTagOf = (scopeType: MemoryScopeType, scopeId: string) => `${scopeType}:${scopeId}`;

/** Seals a memory's text, metadata and their embedding under the memory's own data key (made here, or the one it has). */
export const sealMemory = async (
  { dataKeys, embeddings }: MemoryServices,
  workspaceId: string,
  memoryId: string,
  scopeTag: string,
  content: Omit<MemoryContent, 'embedding'>,
) => {
  const [key, embedded] = await Promise.all([
    dataKeys.createKey({ workspaceId, subject: memorySubjectOf(memoryId), scopes: [scopeTag] }),
    embeddings.embed([content.content_text]),
  ]);
  const embedding = { provider: embedded.provider, model: embedded.model, vector: Array.from(embedded.vectors[0]!) };
  return sealContent(key, MemoryContent.parse({ ...content, embedding }));
};

/**
 * The one way a memory is written, by `POST /memories` and by a run (with its `provenance`): its content
 * sealed, then the command sent by the caller's own path (`send`: its context and idempotency key). A
 * memory whose key was destroyed (forgotten, or its scope) is never written again: `MEMORY_FORGOTTEN`.
 */
export const writeMemory = async <R>(
  services: MemoryServices,
  memory: { workspaceId: string; memoryId: string; body: WriteMemoryBody; provenance: MemoryProvenance | null },
  send: (stream: string, command: WriteMemoryCommand) => Promise<R>,
): Promise<R> => {
  const { workspaceId, memoryId, body, provenance } = memory;
  const { content_text, metadata_json, expires_at, ...fields } = body;
  const content = await sealMemory(services, workspaceId, memoryId, memoryScopeTagOf(body.scope_type, body.scope_id), { content_text, metadata_json }).catch(
    (error: unknown) => {
      if (error instanceof DataKeyDestroyed) throw new ConflictError('MEMORY_FORGOTTEN', `memory ${memoryId} was forgotten`);
      throw error;
    },
  );
  return send(memoryStreamOf(memoryId), {
    type: 'WriteMemory',
    data: { ...fields, memory_id: memoryId, workspace_id: workspaceId, expires_at: expires_at ?? null, content, provenance },
  });
};
