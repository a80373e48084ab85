import {
  ConflictError,
  DocumentContent,
  KNOWLEDGE_BASES_CATEGORY,
  KNOWLEDGE_DOCUMENTS_CATEGORY,
  KnowledgeBaseCreated,
  NotFoundError,
  streamId,
  type DocumentSourceType,
  type EmbeddingUsed,
  type EventEnvelope,
} from '@agent-platform/contracts';
import { evolveAll, knowledgeDecider, newestSealed, sendCommand, type KnowledgeState } from '@agent-platform/command-api/commands';
import { embeddingModelOf, openContent, type DataKeys, type EmbeddingProvider, type EventStore, type Knex } from '@agent-platform/infra';
import { knowledgeChunksWriter } from '@agent-platform/projectors/readers';
import type { Processor, ProcessorContext } from '../runtime/processor.js';
import { chunkDocument } from './chunking.js';

export type KnowledgeIndexerDeps = { store: EventStore; knex: Knex; dataKeys: DataKeys; embeddings: EmbeddingProvider };

/** Texts per call to the embedding provider: one 5 MB document is thousands of chunks, more than one request should carry. */
export const EMBED_BATCH = 64;
/** Deliveries of one event before its failure is recorded (`DocumentIndexFailed`) rather than retried again. */
export const INDEX_ATTEMPTS = 3;

/** What the indexer found in the document's stream: its state, and its newest content with its source type. */
const documentOf = async (store: EventStore, documentId: string) => {
  const events = await store.readStream(streamId(KNOWLEDGE_DOCUMENTS_CATEGORY, documentId));
  let sourceType: DocumentSourceType = 'text';
  for (const event of events) sourceType = (event.data as { source_type?: DocumentSourceType }).source_type ?? sourceType;
  return { state: evolveAll(knowledgeDecider, knowledgeDecider.initialState(), events) as KnowledgeState, sealed: newestSealed(events), sourceType };
};

const baseOf = async (store: EventStore, baseId: string) => {
  const [created] = await store.readStream(streamId(KNOWLEDGE_BASES_CATEGORY, baseId));
  if (!created) throw new Error(`knowledge base ${baseId} has no stream`);
  return KnowledgeBaseCreated.schema.parse(created.data);
};

/**
 * Embeds the chunks in batches; every batch must come from one model, or the document's vectors could not
 * be compared. `used` is the provider and model that answered (none for a document without chunks).
 */
const embedAll = async (embeddings: EmbeddingProvider, texts: readonly string[]) => {
  const vectors: number[][] = [];
  let used: EmbeddingUsed | null = null;
  for (let i = 0; i < texts.length; i += EMBED_BATCH) {
    const embedded = await embeddings.embed(texts.slice(i, i + EMBED_BATCH));
    const made = { provider: embedded.provider, model: embedded.model };
    if (used && embeddingModelOf(made) !== embeddingModelOf(used)) throw new Error(`the embedding changed from ${embeddingModelOf(used)} to ${embeddingModelOf(made)} within one document`);
    used = made;
    vectors.push(...embedded.vectors.map((v) => Array.from(v)));
  }
  return { vectors, used, model: embeddingModelOf(used ?? { provider: embeddings.name, model: embeddings.model }) };
};

/**
 * The knowledge indexer: for each revision of a document (its content added or changed, or a re-index
 * asked), opens the content with the document's key, cuts it into chunks (sentences within sections),
 * embeds them in batches, replaces the document's chunks, and records `DocumentIndexed`; a failure that
 * outlasts `INDEX_ATTEMPTS` deliveries is recorded as `DocumentIndexFailed`. A revision no longer the
 * newest is skipped (the newer one's event comes). A document deleted meanwhile (its key destroyed, or
 * its outcome refused) has its chunks removed: nothing of it stays searchable.
 */
export const knowledgeIndexer = (deps: KnowledgeIndexerDeps): Processor => {
  const dropChunks = (workspaceId: string, documentId: string) => knowledgeChunksWriter.deleteDocumentChunks(deps.knex, workspaceId, documentId);

  const record = async (event: EventEnvelope, context: ProcessorContext, outcome: { chunk_count: number; embedding_used: EmbeddingUsed | null } | { error: string }) => {
    const { document_id } = event.data as { document_id: string };
    const data = { document_id, workspace_id: event.workspaceid, revision: event.streamversion };
    const command =
      'error' in outcome ? ({ type: 'RecordDocumentIndexFailed', data: { ...data, error: outcome.error } } as const) : ({ type: 'RecordDocumentIndexed', data: { ...data, ...outcome } } as const);
    try {
      await sendCommand(deps.store, knowledgeDecider, streamId(KNOWLEDGE_DOCUMENTS_CATEGORY, document_id), command, context.commandContext('outcome'), { retryOnConflict: 5 });
    } catch (error) {
      // Deleted while it was indexed: the delete's projection may have run before these chunks were written.
      if ((error instanceof ConflictError || error instanceof NotFoundError) && error.code.startsWith('DOCUMENT_')) return dropChunks(event.workspaceid, document_id);
      throw error;
    }
  };

  const index = async (event: EventEnvelope, context: ProcessorContext) => {
    const { document_id: documentId, content } = event.data as { document_id: string; content?: unknown };
    // A change of fields other than the content is no new revision (the command side always sends content today).
    if (event.type === 'DocumentUpdated' && !content) return;
    const document = await documentOf(deps.store, documentId);
    if (document.state.status === 'deleted') return dropChunks(event.workspaceid, documentId);
    if (document.state.status !== 'document' || document.state.revision !== event.streamversion || !document.sealed) return;
    const opened = openContent(await deps.dataKeys.getKey({ workspaceId: event.workspaceid, subject: `document:${documentId}` }), document.sealed);
    if (opened.status !== 'opened') return dropChunks(event.workspaceid, documentId);
    const { title, content_text, metadata_json } = DocumentContent.parse(opened.content);
    const base = await baseOf(deps.store, document.state.knowledgeBaseId);
    let chunks;
    let embedded;
    try {
      chunks = chunkDocument(content_text, document.sourceType, { chunkSize: base.chunk_size, chunkOverlap: base.chunk_overlap });
      // Each chunk is embedded with its title and headings, as it is keyword-indexed (chunks.ts).
      embedded = await embedAll(deps.embeddings, chunks.map((c) => [title, ...c.headings, c.text].join('\n')));
    } catch (error) {
      if (context.attempt < INDEX_ATTEMPTS) throw error;
      return record(event, context, { error: error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 2000) : String(error).slice(0, 2000) });
    }
    const saved = await knowledgeChunksWriter.saveDocumentChunks(deps.knex, {
      workspaceId: event.workspaceid,
      knowledgeBaseId: document.state.knowledgeBaseId,
      documentId,
      revision: event.streamversion,
      title,
      metadata: metadata_json,
      embeddingModel: embedded.model,
      chunks: chunks.map((c, i) => ({ index: c.index, text: c.text, headings: c.headings, embedding: embedded.vectors[i]! })),
    });
    // A newer revision's chunks are there already: its outcome is the one recorded.
    if (!saved) return;
    await record(event, context, { chunk_count: chunks.length, embedding_used: embedded.used });
  };

  return {
    group: 'knowledge-indexer',
    types: ['DocumentAdded', 'DocumentUpdated', 'DocumentReindexRequested'],
    // Every effect is a whole replacement of the document's chunks, or a command keyed by the event.
    idempotent: true,
    concurrency: 2,
    maxAttempts: INDEX_ATTEMPTS + 1,
    handle: index,
  };
};
