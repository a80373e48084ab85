import {
  MemoryContent,
  MemoryExpired,
  MemoryForgotten,
  MemoryScopeForgotten,
  MemoryUpdated,
  MemoryWritten,
  type RecordedEvent,
  type SealedContent,
} from '@agent-platform/contracts';
import { embeddingModelOf } from '@agent-platform/infra';
import { projectorOf, type Projection } from '../projector.js';
import { sealedPage } from '../sealedPage.js';
import { MEMORIES } from './schema.js';

/** The text-search configuration memories are indexed and searched with. */
export const MEMORY_LANGUAGE = 'english';

const sealedOf = (event: RecordedEvent): SealedContent | undefined =>
  event.type === MemoryWritten.type ? MemoryWritten.schema.parse(event.data).content : event.type === MemoryUpdated.type ? MemoryUpdated.schema.parse(event.data).content : undefined;

/** Each memory's content opened with its own data key; a destroyed key leaves it out. */
const { prepare, openedIn } = sealedPage({
  projection: 'memories',
  sealedOf,
  subjectOf: (event) => `memory:${(event.data as { memory_id: string }).memory_id}`,
  parse: (content) => MemoryContent.parse(content),
});

const contentColumns = (sql: Parameters<Projection>[0], content: MemoryContent) => ({
  content_text: content.content_text,
  metadata_json: JSON.stringify(content.metadata_json),
  embedding: content.embedding.vector,
  embedding_model: embeddingModelOf(content.embedding),
  tsv: sql.raw('to_tsvector(?::regconfig, ?)', [MEMORY_LANGUAGE, content.content_text]),
  tokens: sql.raw('(SELECT coalesce(sum(cardinality(positions)), 0) FROM unnest(to_tsvector(?::regconfig, ?)))', [MEMORY_LANGUAGE, content.content_text]),
});

const written: Projection = (sql, e, prepared) => {
  const d = MemoryWritten.schema.parse(e.data);
  const content = openedIn(prepared, e);
  // Erased before it was projected (a rebuild after forgetting): there is nothing to show.
  if (!content) return [];
  return [
    sql(MEMORIES).insert({
      id: d.memory_id,
      workspace_id: e.metadata.workspace_id,
      scope_type: d.scope_type,
      scope_id: d.scope_id,
      memory_type: d.memory_type,
      importance_score: d.importance_score,
      expires_at: d.expires_at,
      provenance: d.provenance ? JSON.stringify(d.provenance) : null,
      ...contentColumns(sql, content),
      created_time: e.recorded_at,
      updated_time: e.recorded_at,
    }),
  ];
};

const updated: Projection = (sql, e, prepared) => {
  const d = MemoryUpdated.schema.parse(e.data);
  const row = sql(MEMORIES).where({ id: d.memory_id, workspace_id: e.metadata.workspace_id });
  if (d.content && !openedIn(prepared, e)) return [row.delete()];
  const content = d.content ? openedIn(prepared, e) : undefined;
  return [
    row.update({
      ...(d.memory_type ? { memory_type: d.memory_type } : {}),
      ...(d.importance_score !== undefined ? { importance_score: d.importance_score } : {}),
      ...(d.expires_at !== undefined ? { expires_at: d.expires_at } : {}),
      ...(content ? contentColumns(sql, content) : {}),
      updated_time: e.recorded_at,
    }),
  ];
};

const forgotten: Projection = (sql, e) => {
  const d = MemoryForgotten.schema.parse(e.data);
  return [sql(MEMORIES).where({ id: d.memory_id, workspace_id: e.metadata.workspace_id }).delete()];
};

/** Expired as forgotten: its key was destroyed first, so a rebuild cannot bring it back either. */
const expired: Projection = (sql, e) => {
  const d = MemoryExpired.schema.parse(e.data);
  return [sql(MEMORIES).where({ id: d.memory_id, workspace_id: e.metadata.workspace_id }).delete()];
};

/** Exactly the scope, in its workspace, as it stood then: memories written after the event stay. */
const scopeForgotten: Projection = (sql, e) => {
  const d = MemoryScopeForgotten.schema.parse(e.data);
  return [sql(MEMORIES).where({ workspace_id: e.metadata.workspace_id, scope_type: d.scope_type, scope_id: d.scope_id }).delete()];
};

export const memoriesProjector = projectorOf(
  'memories',
  [MEMORIES],
  {
    [MemoryWritten.type]: written,
    [MemoryUpdated.type]: updated,
    [MemoryForgotten.type]: forgotten,
    [MemoryScopeForgotten.type]: scopeForgotten,
    [MemoryExpired.type]: expired,
  },
  prepare,
);
