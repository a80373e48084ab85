import { DocumentView, KnowledgeBaseView, type ListKnowledgeBasesQuery } from '@agent-platform/contracts';
import type { Knex } from '@agent-platform/infra';
import { newestFirstPage, type PageOf, type PageRequest } from '../newestFirstPage.js';
import { iso } from '../rows.js';
import { KNOWLEDGE_BASES, KNOWLEDGE_CHUNKS, KNOWLEDGE_DOCUMENTS } from './schema.js';

/** What other packages may ask of the knowledge read model; its tables are this package's to change. */
export { searchKnowledge, KNOWLEDGE_KEYWORD_WEIGHT, type QueryEmbedding } from './search.js';
export type { ChunkVectors } from './vectors/port.js';

const BASE_COLUMNS = ['id', 'workspace_id', 'code', 'name', 'description', 'embedding', 'chunk_size', 'chunk_overlap', 'created_time'] as const;
const DOCUMENT_COLUMNS = [
  'id',
  'workspace_id',
  'knowledge_base_id',
  'title',
  'source_type',
  'metadata_json',
  'status',
  'chunk_count',
  'embedding_used',
  'error',
  'created_time',
  'updated_time',
] as const;

const toBaseView = (row: Record<string, unknown>): KnowledgeBaseView => KnowledgeBaseView.parse({ ...row, created_time: iso(row.created_time) });
const toDocumentView = (row: Record<string, unknown>): DocumentView =>
  DocumentView.parse({ ...row, created_time: iso(row.created_time), updated_time: iso(row.updated_time) });

export const findKnowledgeBase = async (knex: Knex, workspaceId: string, id: string): Promise<KnowledgeBaseView | undefined> => {
  const row = await knex(KNOWLEDGE_BASES).select(BASE_COLUMNS).where({ workspace_id: workspaceId, id }).first();
  return row ? toBaseView(row) : undefined;
};

export const listKnowledgeBases = (knex: Knex, workspaceId: string, filter: Pick<ListKnowledgeBasesQuery, 'code'>, page: PageRequest): Promise<PageOf<KnowledgeBaseView>> => {
  const q = knex(KNOWLEDGE_BASES).select(BASE_COLUMNS).where({ workspace_id: workspaceId });
  if (filter.code) q.andWhere({ code: filter.code });
  return newestFirstPage(q, page, toBaseView);
};

export const findDocument = async (knex: Knex, workspaceId: string, id: string): Promise<DocumentView | undefined> => {
  const row = await knex(KNOWLEDGE_DOCUMENTS).select(DOCUMENT_COLUMNS).where({ workspace_id: workspaceId, id }).first();
  return row ? toDocumentView(row) : undefined;
};

/** One page of a base's documents, newest first. */
export const listDocuments = (knex: Knex, workspaceId: string, knowledgeBaseId: string, page: PageRequest): Promise<PageOf<DocumentView>> =>
  newestFirstPage(knex(KNOWLEDGE_DOCUMENTS).select(DOCUMENT_COLUMNS).where({ workspace_id: workspaceId, knowledge_base_id: knowledgeBaseId }), page, toDocumentView);

/** Chunks by id with their documents' titles, for a prompt that cites them; a chunk or document deleted since is not found. */
export const findChunks = async (
  knex: Knex,
  workspaceId: string,
  chunkIds: readonly string[],
): Promise<{ chunk_id: string; document_id: string; document_title: string; content_text: string }[]> => {
  if (!chunkIds.length) return [];
  const rows = (await knex(`${KNOWLEDGE_CHUNKS} as c`)
    .join(`${KNOWLEDGE_DOCUMENTS} as d`, function () {
      this.on('d.id', 'c.document_id').andOn('d.workspace_id', 'c.workspace_id');
    })
    .where('c.workspace_id', workspaceId)
    .whereIn('c.id', [...chunkIds])
    .select('c.id', 'c.document_id', 'c.content_text', 'd.title')) as { id: string; document_id: string; content_text: string; title: string }[];
  return rows.map((r) => ({ chunk_id: r.id, document_id: r.document_id, document_title: r.title, content_text: r.content_text }));
};

/** The titles of the workspace's documents by id; a deleted document has none. */
export const documentTitles = async (knex: Knex, workspaceId: string, documentIds: readonly string[]): Promise<Map<string, string>> => {
  if (!documentIds.length) return new Map();
  const rows = (await knex(KNOWLEDGE_DOCUMENTS).where({ workspace_id: workspaceId }).whereIn('id', [...new Set(documentIds)]).select('id', 'title')) as { id: string; title: string }[];
  return new Map(rows.map((r) => [r.id, r.title]));
};
