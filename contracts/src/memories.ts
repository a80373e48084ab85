import { z } from 'zod';
import { defineCommand } from './commands.js';
import { defineDomain } from './domain.js';
import { EmbeddingUsed } from './embedding.js';
import { defineEvent, type EventOf } from './events.js';
import { SealedContent } from './sealed.js';

export const MEMORIES_CATEGORY = 'memory';
/** A scope's own stream, where forgetting a whole scope is recorded. */
export const MEMORY_SCOPES_CATEGORY = 'memoryscope';

export const MemoryScopeType = z.enum(['user', 'session', 'agent', 'team']);
export type MemoryScopeType = z.infer<typeof MemoryScopeType>;
export const MemoryType = z.enum(['fact', 'preference', 'conversation', 'summary']);
export type MemoryType = z.infer<typeof MemoryType>;
const JsonObject = z.record(z.string(), z.unknown());
/** Scope ids are the caller's (the seed uses `session-id`, `user-1`): any short visible string, not only uuids. */
const ScopeId = z.string().min(1).max(200).regex(/^\S+$/, 'a scope id has no whitespace');
const Importance = z.number().min(0).max(100);
const Instant = z.string().datetime({ offset: true });

/** Where a memory written by a run came from: the run, its agent, and the log position of the event it was written after. */
export const MemoryProvenance = z.object({ run_id: z.string().uuid(), agent_id: z.string().uuid(), position: z.number().int().nonnegative() });
export type MemoryProvenance = z.infer<typeof MemoryProvenance>;

/**
 * What a memory's events hold sealed (`SealedContent`) under its own data key: its text, its metadata and
 * the embedding made of the text (an embedding is derived from personal content, so it is erased with it).
 */
export const MemoryContent = z.object({
  content_text: z.string(),
  metadata_json: JsonObject,
  embedding: z.object({ provider: z.string(), model: z.string(), vector: z.array(z.number()) }),
});
export type MemoryContent = z.infer<typeof MemoryContent>;

// Commands, as the HTTP body carries them (the seed's field names).
export const WriteMemoryBody = z.object({
  scope_type: MemoryScopeType,
  scope_id: ScopeId,
  memory_type: MemoryType.default('fact'),
  content_text: z.string().min(1).max(100_000),
  importance_score: Importance.default(50),
  metadata_json: JsonObject.default({}),
  expires_at: Instant.optional(),
});
export type WriteMemoryBody = z.infer<typeof WriteMemoryBody>;

export const UpdateMemoryBody = z
  .object({
    memory_type: MemoryType,
    content_text: z.string().min(1).max(100_000),
    importance_score: Importance,
    metadata_json: JsonObject,
    expires_at: Instant.nullable(),
  })
  .partial()
  .refine((body) => Object.keys(body).length > 0, { message: 'name at least one field to change' });
export type UpdateMemoryBody = z.infer<typeof UpdateMemoryBody>;

export const ForgetMemoryScopeBody = z.object({ scope_type: MemoryScopeType, scope_id: ScopeId });
export type ForgetMemoryScopeBody = z.infer<typeof ForgetMemoryScopeBody>;

export const SearchMemoriesBody = z.object({
  query: z.string().min(1).max(10_000),
  scope_type: MemoryScopeType,
  scope_id: ScopeId,
  limit: z.number().int().min(1).max(100).default(10),
  memory_types: z.array(MemoryType).min(1).max(4).optional(),
});
export type SearchMemoriesBody = z.infer<typeof SearchMemoriesBody>;

export const ListMemoriesQuery = z.object({
  scope_type: MemoryScopeType,
  scope_id: ScopeId,
  memory_type: MemoryType.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().optional(),
});
export type ListMemoriesQuery = z.infer<typeof ListMemoriesQuery>;

const Scope = { scope_type: MemoryScopeType, scope_id: ScopeId };
export const WriteMemory = z.object({
  memory_id: z.string().uuid(),
  workspace_id: z.string(),
  ...Scope,
  memory_type: MemoryType,
  importance_score: Importance,
  expires_at: Instant.nullable(),
  content: SealedContent,
  provenance: MemoryProvenance.nullable(),
});
export const UpdateMemory = z.object({
  memory_id: z.string().uuid(),
  workspace_id: z.string(),
  memory_type: MemoryType.optional(),
  importance_score: Importance.optional(),
  expires_at: Instant.nullable().optional(),
  content: SealedContent.optional(),
});
export const ForgetMemory = z.object({ memory_id: z.string().uuid(), workspace_id: z.string(), reason: z.string().max(2000).nullable() });
export const ForgetMemoryScope = z.object({ workspace_id: z.string(), ...Scope });
/** Sent by the expiry sweeper once it destroyed the memory's key; `now` is when it saw the memory due (the decider refuses one not yet due). */
export const ExpireMemory = z.object({ memory_id: z.string().uuid(), workspace_id: z.string(), now: Instant });
export const MemoryCommand = z.discriminatedUnion('type', [
  defineCommand('WriteMemory', WriteMemory),
  defineCommand('UpdateMemory', UpdateMemory),
  defineCommand('ForgetMemory', ForgetMemory),
  defineCommand('ForgetMemoryScope', ForgetMemoryScope),
  defineCommand('ExpireMemory', ExpireMemory),
]);
export type MemoryCommand = z.infer<typeof MemoryCommand>;

// Events.
export const MemoryWritten = defineEvent('MemoryWritten', WriteMemory.omit({ workspace_id: true }), {
  category: MEMORIES_CATEGORY,
  description: 'A memory was written to a scope; its text, metadata and embedding are sealed under its own data key.',
});
export const MemoryUpdated = defineEvent('MemoryUpdated', UpdateMemory.omit({ workspace_id: true }), {
  category: MEMORIES_CATEGORY,
  description: 'Fields of a memory were changed; new content is sealed under the memory’s data key.',
});
export const MemoryForgotten = defineEvent('MemoryForgotten', ForgetMemory.omit({ workspace_id: true }), {
  category: MEMORIES_CATEGORY,
  description: 'A memory was forgotten: its data key was destroyed first, so its sealed content can never be read again.',
});
export const MemoryScopeForgotten = defineEvent('MemoryScopeForgotten', ForgetMemoryScope.omit({ workspace_id: true }), {
  category: MEMORY_SCOPES_CATEGORY,
  description: 'Every memory of a scope was forgotten: the data keys of exactly that scope (in its workspace) were destroyed first.',
});
export const MemoryExpired = defineEvent('MemoryExpired', z.object({ memory_id: z.string().uuid(), expires_at: Instant }), {
  category: MEMORIES_CATEGORY,
  description: 'A memory reached its `expires_at` and was erased: its data key was destroyed first, as for a forgotten memory.',
});
export const memoryEvents = [MemoryWritten, MemoryUpdated, MemoryForgotten, MemoryScopeForgotten, MemoryExpired] as const;
export type MemoryEvent =
  | EventOf<typeof MemoryWritten>
  | EventOf<typeof MemoryUpdated>
  | EventOf<typeof MemoryForgotten>
  | EventOf<typeof MemoryScopeForgotten>
  | EventOf<typeof MemoryExpired>;

// Read models, as the query side returns them.
export const MemoryView = z.object({
  id: z.string().uuid(),
  workspace_id: z.string(),
  scope_type: MemoryScopeType,
  scope_id: z.string(),
  memory_type: MemoryType,
  content_text: z.string(),
  importance_score: z.number(),
  metadata_json: JsonObject,
  expires_at: z.string().nullable(),
  provenance: MemoryProvenance.nullable(),
  /** The provider and model that embedded the memory's text: the query of a search is compared only with memories embedded alike. */
  embedding_used: EmbeddingUsed,
  created_time: z.string(),
  updated_time: z.string(),
});
export type MemoryView = z.infer<typeof MemoryView>;

/** How a search's final score was made (the seed's `rerank_mode`). */
export const MEMORY_RERANK_MODE = 'hybrid-local';
export const MemorySearchHit = MemoryView.extend({
  keyword_score: z.number(),
  vector_score: z.number(),
  /** The memory's importance over 100 (0–1), as it weighs in `score`. */
  importance_score: z.number(),
  score: z.number(),
  rerank_mode: z.string(),
});
export type MemorySearchHit = z.infer<typeof MemorySearchHit>;

export const memoriesDomain = defineDomain({ name: 'memories', events: memoryEvents, projections: ['memories'] });
