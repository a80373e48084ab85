import {
  DocumentAdded,
  DocumentContent,
  DocumentDeleted,
  DocumentIndexed,
  DocumentIndexFailed,
  DocumentReindexRequested,
  DocumentUpdated,
  KnowledgeBaseCreated,
  KnowledgeBaseDeleted,
  type RecordedEvent,
  type SealedContent,
} from '@agent-platform/contracts';
import { projectorOf, type Projection } from '../projector.js';
import { sealedPage } from '../sealedPage.js';
import { KNOWLEDGE_BASES, KNOWLEDGE_CHUNKS, KNOWLEDGE_DOCUMENTS } from './schema.js';

const sealedOf = (event: RecordedEvent): SealedContent | undefined =>
  event.type === DocumentAdded.type ? DocumentAdded.schema.parse(event.data).content : event.type === DocumentUpdated.type ? DocumentUpdated.schema.parse(event.data).content : undefined;

/** Each document's content opened with its own data key; a destroyed key leaves it out. */
const { prepare, openedIn } = sealedPage({
  projection: 'knowledge',
  sealedOf,
  subjectOf: (event) => `document:${(event.data as { document_id: string }).document_id}`,
  parse: (content) => DocumentContent.parse(content),
});

const baseCreated: Projection = (sql, e) => {
  const d = KnowledgeBaseCreated.schema.parse(e.data);
  const { knowledge_base_id, embedding, ...fields } = d;
  return [
    sql(KNOWLEDGE_BASES)
      .insert({ ...fields, id: knowledge_base_id, workspace_id: e.metadata.workspace_id, embedding: JSON.stringify(embedding), created_time: e.recorded_at })
      .onConflict('id')
      .ignore(),
  ];
};

/** A new revision waits for the indexer: `revision` is the stream version whose outcome will be taken. */
const pending = (e: RecordedEvent) => ({ status: 'pending', revision: e.stream_version, chunk_count: null, embedding_used: null, error: null, updated_time: e.recorded_at });

const added: Projection = (sql, e, prepared) => {
  const d = DocumentAdded.schema.parse(e.data);
  const content = openedIn(prepared, e);
  // Erased before it was projected (a rebuild after deleting): there is nothing to show.
  if (!content) return [];
  return [
    sql(KNOWLEDGE_DOCUMENTS).insert({
      id: d.document_id,
      workspace_id: e.metadata.workspace_id,
      knowledge_base_id: d.knowledge_base_id,
      source_type: d.source_type,
      title: content.title,
      metadata_json: JSON.stringify(content.metadata_json),
      ...pending(e),
      created_time: e.recorded_at,
    }),
  ];
};

const document = (sql: Parameters<Projection>[0], e: RecordedEvent) =>
  sql(KNOWLEDGE_DOCUMENTS).where({ id: (e.data as { document_id: string }).document_id, workspace_id: e.metadata.workspace_id });

const updated: Projection = (sql, e, prepared) => {
  const d = DocumentUpdated.schema.parse(e.data);
  if (!d.content) return [document(sql, e).update({ ...(d.source_type ? { source_type: d.source_type } : {}), updated_time: e.recorded_at })];
  const content = openedIn(prepared, e);
  if (!content) return [document(sql, e).delete()];
  return [
    document(sql, e).update({
      ...(d.source_type ? { source_type: d.source_type } : {}),
      title: content.title,
      metadata_json: JSON.stringify(content.metadata_json),
      ...pending(e),
    }),
  ];
};

const reindexRequested: Projection = (sql, e) => {
  DocumentReindexRequested.schema.parse(e.data);
  return [document(sql, e).update(pending(e))];
};

/** The outcome of the revision still waited for; one of an older revision changes nothing. */
const indexed: Projection = (sql, e) => {
  const d = DocumentIndexed.schema.parse(e.data);
  return [
    document(sql, e)
      .andWhere({ revision: d.revision })
      .update({
        status: 'indexed',
        chunk_count: d.chunk_count,
        embedding_used: d.embedding_used ? JSON.stringify(d.embedding_used) : null,
        error: null,
        updated_time: e.recorded_at,
      }),
  ];
};

const indexFailed: Projection = (sql, e) => {
  const d = DocumentIndexFailed.schema.parse(e.data);
  return [document(sql, e).andWhere({ revision: d.revision }).update({ status: 'failed', chunk_count: null, embedding_used: null, error: d.error, updated_time: e.recorded_at })];
};

/** The row and every chunk the indexer wrote: no search returns a deleted document's text again. */
const deleted: Projection = (sql, e) => {
  const d = DocumentDeleted.schema.parse(e.data);
  return [document(sql, e).delete(), sql(KNOWLEDGE_CHUNKS).where({ document_id: d.document_id, workspace_id: e.metadata.workspace_id }).delete()];
};

/** The base, every document of it and their chunks, in its workspace: its documents' keys were destroyed first. */
const baseDeleted: Projection = (sql, e) => {
  const d = KnowledgeBaseDeleted.schema.parse(e.data);
  const ofBase = { knowledge_base_id: d.knowledge_base_id, workspace_id: e.metadata.workspace_id };
  return [
    sql(KNOWLEDGE_BASES).where({ id: d.knowledge_base_id, workspace_id: e.metadata.workspace_id }).delete(),
    sql(KNOWLEDGE_DOCUMENTS).where(ofBase).delete(),
    sql(KNOWLEDGE_CHUNKS).where(ofBase).delete(),
  ];
};

export const knowledgeProjector = projectorOf(
  'knowledge',
  // Not the chunks: a replay empties these tables and applies the log again, and the log holds no chunks.
  [KNOWLEDGE_BASES, KNOWLEDGE_DOCUMENTS],
  {
    [KnowledgeBaseCreated.type]: baseCreated,
    [KnowledgeBaseDeleted.type]: baseDeleted,
    [DocumentAdded.type]: added,
    [DocumentUpdated.type]: updated,
    [DocumentReindexRequested.type]: reindexRequested,
    [DocumentIndexed.type]: indexed,
    [DocumentIndexFailed.type]: indexFailed,
    [DocumentDeleted.type]: deleted,
  },
  prepare,
);
