import type { Knex } from '@agent-platform/infra';
import { KNOWLEDGE_CHUNKS } from './schema.js';

/** The text-search configuration chunks are indexed and searched with. */
export const KNOWLEDGE_LANGUAGE = 'english';

/** A chunk's id: its document's and its place in it. */
export const chunkIdOf = (documentId: string, index: number): string => `${documentId}:${index}`;
export const documentIdOfChunk = (chunkId: string): string => chunkId.slice(0, chunkId.lastIndexOf(':'));

export type IndexedChunk = { index: number; text: string; headings: readonly string[]; embedding: readonly number[] };

export type DocumentChunks = {
  workspaceId: string;
  knowledgeBaseId: string;
  documentId: string;
  /** The document revision the chunks were cut from. */
  revision: number;
  /** The document's title, searched with every chunk of it (a chunk rarely repeats what its title says). */
  title: string;
  metadata: Record<string, unknown>;
  /** `<provider>/<model>`: a query is compared only with chunks embedded like it. */
  embeddingModel: string;
  chunks: readonly IndexedChunk[];
};

/**
 * The knowledge indexer's one write: replaces a document's chunks with those of `revision`, whole, in one
 * transaction. Chunks of a newer revision already there win (two indexers of two revisions, the older one
 * late): nothing is written, and `false` says so. Serialised per document by an advisory lock.
 */
export const saveDocumentChunks = (knex: Knex, document: DocumentChunks): Promise<boolean> =>
  knex.transaction(async (trx) => {
    await trx.raw('SELECT pg_advisory_xact_lock(hashtext(?))', [`knowledge-chunks:${document.documentId}`]);
    const newest = await trx(KNOWLEDGE_CHUNKS).where({ document_id: document.documentId }).max({ revision: 'revision' }).first();
    if (newest?.revision != null && Number(newest.revision) > document.revision) return false;
    await trx(KNOWLEDGE_CHUNKS).where({ document_id: document.documentId }).delete();
    // A few hundred rows a statement: one insert of a 5 MB document's thousands of chunks would be a huge statement.
    for (let i = 0; i < document.chunks.length; i += 200) {
      await trx(KNOWLEDGE_CHUNKS).insert(
        document.chunks.slice(i, i + 200).map((chunk) => {
          const searched = [document.title, ...chunk.headings, chunk.text].join('\n');
          return {
            id: chunkIdOf(document.documentId, chunk.index),
            document_id: document.documentId,
            chunk_index: chunk.index,
            workspace_id: document.workspaceId,
            knowledge_base_id: document.knowledgeBaseId,
            revision: document.revision,
            content_text: chunk.text,
            headings: JSON.stringify(chunk.headings),
            metadata_json: JSON.stringify(document.metadata),
            embedding: [...chunk.embedding],
            embedding_model: document.embeddingModel,
            tsv: trx.raw('to_tsvector(?::regconfig, ?)', [KNOWLEDGE_LANGUAGE, searched]),
            tokens: trx.raw('(SELECT coalesce(sum(cardinality(positions)), 0) FROM unnest(to_tsvector(?::regconfig, ?)))', [KNOWLEDGE_LANGUAGE, searched]),
          };
        }),
      );
    }
    return true;
  });

/** Removes a document's chunks: what the indexer does when it learns the document was deleted while it worked. */
export const deleteDocumentChunks = async (knex: Knex, workspaceId: string, documentId: string): Promise<void> => {
  await knex(KNOWLEDGE_CHUNKS).where({ workspace_id: workspaceId, document_id: documentId }).delete();
};
