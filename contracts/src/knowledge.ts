import { z } from 'zod';
import { defineCommand } from './commands.js';
import { EmbeddingUsed } from './embedding.js';
import { defineDomain } from './domain.js';
import { defineEvent, type EventOf } from './events.js';
import { SealedContent } from './sealed.js';

export const KNOWLEDGE_BASES_CATEGORY = 'knowledgebase';
export const KNOWLEDGE_DOCUMENTS_CATEGORY = 'knowledgedocument';

const Code = z.string().min(1).max(100).regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits and _ . - only');
const JsonObject = z.record(z.string(), z.unknown());
export const DocumentSourceType = z.enum(['text', 'markdown', 'html']);
export type DocumentSourceType = z.infer<typeof DocumentSourceType>;
export const DocumentStatus = z.enum(['pending', 'indexed', 'failed']);
export type DocumentStatus = z.infer<typeof DocumentStatus>;
/** A document's text may be several MB (a manual, a policy book); the documents' routes take bodies that large. */
export const DOCUMENT_MAX_CHARS = 5_000_000;

/** How a base's chunks are embedded: what the process that created it used, recorded so a search compares like with like. */
export const EmbeddingSettings = z.object({ provider: z.string(), model: z.string(), dimension: z.number().int().positive() });
export type EmbeddingSettings = z.infer<typeof EmbeddingSettings>;

// Commands, as the HTTP body carries them (the seed's field names).
export const CreateKnowledgeBaseBody = z
  .object({
    code: Code,
    name: z.string().min(1).max(200),
    description: z.string().max(2000).nullable().default(null),
    chunk_size: z.number().int().min(50).max(20_000).default(800),
    chunk_overlap: z.number().int().min(0).max(10_000).default(100),
  })
  .refine((b) => b.chunk_overlap < b.chunk_size, { message: 'chunk_overlap must be less than chunk_size', path: ['chunk_overlap'] });
export type CreateKnowledgeBaseBody = z.infer<typeof CreateKnowledgeBaseBody>;

const DocumentFields = {
  title: z.string().min(1).max(500),
  content_text: z.string().min(1).max(DOCUMENT_MAX_CHARS),
  source_type: DocumentSourceType,
  metadata_json: JsonObject,
};
export const AddDocumentBody = z.object({
  knowledge_base_id: z.string().uuid().toLowerCase(),
  ...DocumentFields,
  source_type: DocumentSourceType.default('text'),
  metadata_json: JsonObject.default({}),
});
export type AddDocumentBody = z.infer<typeof AddDocumentBody>;

// No defaults: a field left out of a change keeps its value.
export const UpdateDocumentBody = z
  .object(DocumentFields)
  .partial()
  .refine((body) => Object.keys(body).length > 0, { message: 'name at least one field to change' });
export type UpdateDocumentBody = z.infer<typeof UpdateDocumentBody>;

export const ListKnowledgeBasesQuery = z.object({
  code: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().optional(),
});
export type ListKnowledgeBasesQuery = z.infer<typeof ListKnowledgeBasesQuery>;

export const ListDocumentsQuery = z.object({
  knowledge_base_id: z.string().uuid().toLowerCase(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().optional(),
});
export type ListDocumentsQuery = z.infer<typeof ListDocumentsQuery>;

/** What a document's events hold sealed under its own data key: its title, text and metadata are the customer's. */
export const DocumentContent = z.object({ title: z.string(), content_text: z.string(), metadata_json: JsonObject });
export type DocumentContent = z.infer<typeof DocumentContent>;

const Ids = { document_id: z.string().uuid(), workspace_id: z.string() };
export const CreateKnowledgeBase = z.object({
  knowledge_base_id: z.string().uuid(),
  workspace_id: z.string(),
  code: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  embedding: EmbeddingSettings,
  chunk_size: z.number().int().positive(),
  chunk_overlap: z.number().int().nonnegative(),
});
export const DeleteKnowledgeBase = z.object({ knowledge_base_id: z.string().uuid(), workspace_id: z.string() });
export const AddDocument = z.object({ ...Ids, knowledge_base_id: z.string().uuid(), source_type: DocumentSourceType, content: SealedContent });
export const UpdateDocument = z.object({ ...Ids, source_type: DocumentSourceType.optional(), content: SealedContent.optional() });
export const DeleteDocument = z.object(Ids);
export const RequestDocumentReindex = z.object(Ids);
/**
 * `revision`: the stream version of the event whose content was indexed, so a late result of an older
 * content is not taken for the newest. `embedding_used`: the provider and model that embedded its chunks;
 * null when there was no chunk to embed (and in version 1 events, which did not record it).
 */
export const RecordDocumentIndexed = z.object({
  ...Ids,
  revision: z.number().int().positive(),
  chunk_count: z.number().int().nonnegative(),
  embedding_used: EmbeddingUsed.nullable(),
});
export const RecordDocumentIndexFailed = z.object({ ...Ids, revision: z.number().int().positive(), error: z.string().max(2000) });
export const KnowledgeCommand = z.discriminatedUnion('type', [
  defineCommand('CreateKnowledgeBase', CreateKnowledgeBase),
  defineCommand('DeleteKnowledgeBase', DeleteKnowledgeBase),
  defineCommand('AddDocument', AddDocument),
  defineCommand('UpdateDocument', UpdateDocument),
  defineCommand('DeleteDocument', DeleteDocument),
  defineCommand('RequestDocumentReindex', RequestDocumentReindex),
  defineCommand('RecordDocumentIndexed', RecordDocumentIndexed),
  defineCommand('RecordDocumentIndexFailed', RecordDocumentIndexFailed),
]);
export type KnowledgeCommand = z.infer<typeof KnowledgeCommand>;

// Events.
const without = { workspace_id: true } as const;
export const KnowledgeBaseCreated = defineEvent('KnowledgeBaseCreated', CreateKnowledgeBase.omit(without), {
  category: KNOWLEDGE_BASES_CATEGORY,
  description: 'A knowledge base was created, with the embedding its chunks are made with and how its documents are cut.',
});
export const KnowledgeBaseDeleted = defineEvent('KnowledgeBaseDeleted', DeleteKnowledgeBase.omit(without), {
  category: KNOWLEDGE_BASES_CATEGORY,
  description: 'A knowledge base was deleted with every document of it: the data keys of exactly its documents were destroyed first.',
});
export const DocumentAdded = defineEvent('DocumentAdded', AddDocument.omit(without), {
  category: KNOWLEDGE_DOCUMENTS_CATEGORY,
  description: 'A document was added to a base; its title, text and metadata are sealed under its own data key. It waits to be indexed.',
});
export const DocumentUpdated = defineEvent('DocumentUpdated', UpdateDocument.omit(without), {
  category: KNOWLEDGE_DOCUMENTS_CATEGORY,
  description: 'A document was changed; new content is sealed under its data key and waits to be indexed again.',
});
export const DocumentDeleted = defineEvent('DocumentDeleted', DeleteDocument.omit(without), {
  category: KNOWLEDGE_DOCUMENTS_CATEGORY,
  description: 'A document was deleted: its data key was destroyed first, so its sealed content can never be read again.',
});
export const DocumentReindexRequested = defineEvent('DocumentReindexRequested', RequestDocumentReindex.omit(without), {
  category: KNOWLEDGE_DOCUMENTS_CATEGORY,
  description: 'A document is to be indexed again from its current content.',
});
export const DocumentIndexed = defineEvent('DocumentIndexed', RecordDocumentIndexed.omit(without), {
  category: KNOWLEDGE_DOCUMENTS_CATEGORY,
  description:
    'The indexer cut the content of the given revision into chunk_count chunks, embedded and stored them. From version 2 it says which embedding made them (embedding_used).',
  version: 2,
  // Version 1 did not record the embedding: unknown, not the base's configured one (a fallback may have answered).
  upcasters: { 1: (data) => ({ ...(data as object), embedding_used: null }) },
});
export const DocumentIndexFailed = defineEvent('DocumentIndexFailed', RecordDocumentIndexFailed.omit(without), {
  category: KNOWLEDGE_DOCUMENTS_CATEGORY,
  description: 'The indexer could not index the content of the given revision; error says why.',
});
export const knowledgeEvents = [
  KnowledgeBaseCreated,
  KnowledgeBaseDeleted,
  DocumentAdded,
  DocumentUpdated,
  DocumentDeleted,
  DocumentReindexRequested,
  DocumentIndexed,
  DocumentIndexFailed,
] as const;
export type KnowledgeEvent =
  | EventOf<typeof KnowledgeBaseCreated>
  | EventOf<typeof KnowledgeBaseDeleted>
  | EventOf<typeof DocumentAdded>
  | EventOf<typeof DocumentUpdated>
  | EventOf<typeof DocumentDeleted>
  | EventOf<typeof DocumentReindexRequested>
  | EventOf<typeof DocumentIndexed>
  | EventOf<typeof DocumentIndexFailed>;

// Read models, as the query side returns them.
export const KnowledgeBaseView = z.object({
  id: z.string().uuid(),
  workspace_id: z.string(),
  code: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  embedding: EmbeddingSettings,
  chunk_size: z.number().int(),
  chunk_overlap: z.number().int(),
  created_time: z.string(),
});
export type KnowledgeBaseView = z.infer<typeof KnowledgeBaseView>;

export const DocumentView = z.object({
  id: z.string().uuid(),
  workspace_id: z.string(),
  knowledge_base_id: z.string().uuid(),
  title: z.string(),
  source_type: DocumentSourceType,
  metadata_json: JsonObject,
  status: DocumentStatus,
  chunk_count: z.number().int().nullable(),
  /** The embedding of the indexed chunks; null until indexed, for a document indexed before it was recorded, and for one with no chunk. */
  embedding_used: EmbeddingUsed.nullable(),
  error: z.string().nullable(),
  created_time: z.string(),
  updated_time: z.string(),
});
export type DocumentView = z.infer<typeof DocumentView>;

/** A metadata filter: a chunk's document must have each key at exactly the value given (JSON containment). */
export const SearchKnowledgeBody = z.object({
  knowledge_base_id: z.string().uuid().toLowerCase(),
  query: z.string().min(1).max(10_000),
  top_k: z.number().int().min(1).max(100).default(5),
  metadata_filter: JsonObject.optional(),
  /**
   * How the keyword and vector sides merge: `weighted` (0.7 keyword, 0.3 vector, the default) or `rrf`,
   * reciprocal-rank fusion (each side adds 1/(60 + rank)), which ignores the sides' score scales.
   */
  fusion: z.enum(['weighted', 'rrf']).default('weighted'),
});
export type SearchKnowledgeBody = z.infer<typeof SearchKnowledgeBody>;

export const KnowledgeSearchHit = z.object({
  chunk_id: z.string(),
  document_id: z.string().uuid(),
  document_title: z.string(),
  chunk_index: z.number().int(),
  content_text: z.string(),
  headings: z.array(z.string()),
  metadata_json: JsonObject,
  vector_score: z.number(),
  keyword_score: z.number(),
  score: z.number(),
});
export type KnowledgeSearchHit = z.infer<typeof KnowledgeSearchHit>;

export const knowledgeDomain = defineDomain({ name: 'knowledge', events: knowledgeEvents, projections: ['knowledge'] });
