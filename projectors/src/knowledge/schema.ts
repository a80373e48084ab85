import type { Migration } from '@agent-platform/infra';

export const KNOWLEDGE_BASES = 'rm_knowledge_bases';
export const KNOWLEDGE_DOCUMENTS = 'rm_knowledge_documents';
/** Written by the knowledge indexer (processors), through `chunks.ts`: not rebuilt from the log, whose events hold no chunks. */
export const KNOWLEDGE_CHUNKS = 'rm_knowledge_chunks';
/** Which documents' chunks changed, and in which transaction: how an in-process vector index stays current. */
export const KNOWLEDGE_CHUNK_CHANGES = 'rm_knowledge_chunk_changes';

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

/**
 * Every write of `rm_knowledge_chunks` (the indexer's, the delete projections', a rebuild's) records, by
 * statement triggers, the documents it touched and the writing transaction's id. An in-process index
 * that loaded a base under a snapshot asks for the documents changed by transactions that snapshot did
 * not see (`pg_visible_in_snapshot`), and reloads only those: one indexed query per search, whoever wrote.
 */
export const knowledgeChunkChangesReadModel: Migration = {
  name: '1011_knowledge_chunk_changes',
  up: async (knex) => {
    const triggers = (['INSERT', 'UPDATE', 'DELETE'] as const)
      .map(
        (event) => `
      CREATE TRIGGER ${KNOWLEDGE_CHUNKS}_${event.toLowerCase()}_changes AFTER ${event} ON ${KNOWLEDGE_CHUNKS}
        REFERENCING ${event === 'DELETE' ? 'OLD' : 'NEW'} TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION ${KNOWLEDGE_CHUNK_CHANGES}_record();`,
      )
      .join('');
    await knex.raw(`
      CREATE TABLE ${KNOWLEDGE_CHUNK_CHANGES} (
        document_id       uuid PRIMARY KEY,
        workspace_id      text NOT NULL,
        knowledge_base_id uuid NOT NULL,
        changed_xid       xid8 NOT NULL
      );
      CREATE INDEX ${KNOWLEDGE_CHUNK_CHANGES}_base ON ${KNOWLEDGE_CHUNK_CHANGES} (workspace_id, knowledge_base_id, changed_xid);
      CREATE FUNCTION ${KNOWLEDGE_CHUNK_CHANGES}_record() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO ${KNOWLEDGE_CHUNK_CHANGES} (document_id, workspace_id, knowledge_base_id, changed_xid)
          SELECT DISTINCT document_id, workspace_id, knowledge_base_id, pg_current_xact_id() FROM changed
          ON CONFLICT (document_id) DO UPDATE SET changed_xid = excluded.changed_xid;
        RETURN NULL;
      END $$;
      ${triggers}
    `);
  },
  down: async (knex) => {
    await knex.raw(`
      DROP TRIGGER IF EXISTS ${KNOWLEDGE_CHUNKS}_insert_changes ON ${KNOWLEDGE_CHUNKS};
      DROP TRIGGER IF EXISTS ${KNOWLEDGE_CHUNKS}_update_changes ON ${KNOWLEDGE_CHUNKS};
      DROP TRIGGER IF EXISTS ${KNOWLEDGE_CHUNKS}_delete_changes ON ${KNOWLEDGE_CHUNKS};
      DROP FUNCTION IF EXISTS ${KNOWLEDGE_CHUNK_CHANGES}_record();
      DROP TABLE IF EXISTS ${KNOWLEDGE_CHUNK_CHANGES};
    `);
  },
};
