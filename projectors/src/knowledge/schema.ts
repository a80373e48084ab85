import type { Migration } from '@agent-platform/infra';

export const KNOWLEDGE_BASES = 'rm_knowledge_bases';
export const KNOWLEDGE_DOCUMENTS = 'rm_knowledge_documents';
/** Written by the knowledge indexer (processors), through `chunks.ts`: not rebuilt from the log, whose events hold no chunks. */
export const KNOWLEDGE_CHUNKS = 'rm_knowledge_chunks';

/**
 * Bases, and documents as lists show them: the title and metadata opened from the sealed content (the
 * text stays in the log and in the chunks), and the indexing status of the newest `revision`. A deleted
 * document's row and chunks are deleted, and a rebuild cannot bring them back: its key is gone.
 */
export const knowledgeReadModel: Migration = {
  name: '1009_knowledge',
  up: async (knex) => {
    await knex.raw(`
      CREATE TABLE ${KNOWLEDGE_BASES} (
        id            uuid PRIMARY KEY,
        workspace_id  text NOT NULL,
        code          text NOT NULL,
        name          text NOT NULL,
        description   text,
        embedding     jsonb NOT NULL,
        chunk_size    integer NOT NULL,
        chunk_overlap integer NOT NULL,
        created_time  timestamptz NOT NULL
      );
      CREATE INDEX rm_knowledge_bases_list ON ${KNOWLEDGE_BASES} (workspace_id, created_time DESC, id DESC);
      CREATE TABLE ${KNOWLEDGE_DOCUMENTS} (
        id                uuid PRIMARY KEY,
        workspace_id      text NOT NULL,
        knowledge_base_id uuid NOT NULL,
        title             text NOT NULL,
        source_type       text NOT NULL,
        metadata_json     jsonb NOT NULL,
        status            text NOT NULL,
        revision          integer NOT NULL,
        chunk_count       integer,
        error             text,
        created_time      timestamptz NOT NULL,
        updated_time      timestamptz NOT NULL
      );
      CREATE INDEX rm_knowledge_documents_list ON ${KNOWLEDGE_DOCUMENTS} (workspace_id, knowledge_base_id, created_time DESC, id DESC);
    `);
  },
  down: async (knex) => {
    await knex.raw(`DROP TABLE IF EXISTS ${KNOWLEDGE_DOCUMENTS}; DROP TABLE IF EXISTS ${KNOWLEDGE_BASES};`);
  },
};

/** The embedding (`provider`, `model`) that made an indexed document's chunks, as `DocumentIndexed` version 2 records it. */
export const documentEmbeddingUsed: Migration = {
  name: '1014_document_embedding_used',
  up: async (knex) => {
    await knex.raw(`ALTER TABLE ${KNOWLEDGE_DOCUMENTS} ADD COLUMN embedding_used jsonb;`);
  },
  down: async (knex) => {
    await knex.raw(`ALTER TABLE ${KNOWLEDGE_DOCUMENTS} DROP COLUMN IF EXISTS embedding_used;`);
  },
};

/**
 * A document's chunks as search reads them, each `id` `<document id>:<index>`: text, the headings it sits under, full-text vector and token
 * count (BM25), its document's metadata (what a search filters on), and the embedding as `real[]` with the model that made it. `revision` is the document
 * revision they were cut from: the indexer replaces a document's chunks whole.
 */
export const knowledgeChunksReadModel: Migration = {
  name: '1010_knowledge_chunks',
  up: async (knex) => {
    await knex.raw(`
      CREATE TABLE ${KNOWLEDGE_CHUNKS} (
        id                text PRIMARY KEY,
        document_id       uuid NOT NULL,
        chunk_index       integer NOT NULL,
        workspace_id      text NOT NULL,
        knowledge_base_id uuid NOT NULL,
        revision          integer NOT NULL,
        content_text      text NOT NULL,
        headings          jsonb NOT NULL,
        metadata_json     jsonb NOT NULL,
        embedding         real[] NOT NULL,
        embedding_model   text NOT NULL,
        tsv               tsvector NOT NULL,
        tokens            integer NOT NULL
      );
      CREATE INDEX rm_knowledge_chunks_document ON ${KNOWLEDGE_CHUNKS} (document_id);
      CREATE INDEX rm_knowledge_chunks_base ON ${KNOWLEDGE_CHUNKS} (workspace_id, knowledge_base_id);
      CREATE INDEX rm_knowledge_chunks_tsv ON ${KNOWLEDGE_CHUNKS} USING gin (tsv);
    `);
  },
  down: async (knex) => {
    await knex.raw(`DROP TABLE IF EXISTS ${KNOWLEDGE_CHUNKS};`);
  },
};
