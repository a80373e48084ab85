import {
  MemoryContent,
  MemoryForgotten,
  MemoryScopeForgotten,
  MemoryUpdated,
  MemoryWritten,
  type RecordedEvent,
  type SealedContent,
} from '@agent-platform/contracts';
import { openContent } from '@agent-platform/infra';
import { projectorOf, type Projection, type Projector } from '../projector.js';
import { MEMORIES } from './schema.js';

/** The text-search configuration memories are indexed and searched with. */
export const MEMORY_LANGUAGE = 'english';

/** Each sealed content of the page, opened (or `undefined`: erased, or unreadable), by event id. */
type Opened = ReadonlyMap<string, MemoryContent | undefined>;

const sealedOf = (event: RecordedEvent): SealedContent | undefined =>
  event.type === MemoryWritten.type ? MemoryWritten.schema.parse(event.data).content : event.type === MemoryUpdated.type ? MemoryUpdated.schema.parse(event.data).content : undefined;

/** Opens the page's sealed contents with their memories' data keys; a destroyed key leaves the content out. */
const prepare: Projector['prepare'] = async (events, { dataKeys }) => {
  const opened = new Map<string, MemoryContent | undefined>();
  for (const event of events) {
    const sealed = sealedOf(event);
    if (!sealed) continue;
    if (!dataKeys) throw new Error('the memories projection needs the data keys (ProjectionServices.dataKeys)');
    const { memory_id } = event.data as { memory_id: string };
    const result = openContent(await dataKeys.getKey({ workspaceId: event.metadata.workspace_id, subject: `memory:${memory_id}` }), sealed);
    opened.set(event.event_id, result.status === 'opened' ? MemoryContent.parse(result.content) : undefined);
  }
  return opened;
};

const contentColumns = (sql: Parameters<Projection>[0], content: MemoryContent) => ({
  content_text: content.content_text,
  metadata_json: JSON.stringify(content.metadata_json),
  embedding: content.embedding.vector,
  embedding_model: `${content.embedding.provider}/${content.embedding.model}`,
  tsv: sql.raw('to_tsvector(?::regconfig, ?)', [MEMORY_LANGUAGE, content.content_text]),
  tokens: sql.raw('(SELECT coalesce(sum(cardinality(positions)), 0) FROM unnest(to_tsvector(?::regconfig, ?)))', [MEMORY_LANGUAGE, content.content_text]),
});

const written: Projection = (sql, e, prepared) => {
  const d = MemoryWritten.schema.parse(e.data);
  const content = (prepared as Opened).get(e.event_id);
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
  if (d.content && !(prepared as Opened).get(e.event_id)) return [row.delete()];
  const content = d.content ? (prepared as Opened).get(e.event_id) : undefined;
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
  },
  prepare,
);
