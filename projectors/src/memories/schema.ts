import type { Migration } from '@agent-platform/infra';

export const MEMORIES = 'rm_memories';

/**
 * Memories as search reads them: the text opened from its sealed content, its full-text vector and token
 * count (BM25's document length), and its embedding as `real[]` (no pgvector on the embedded server and
 * PostgreSQL 15; a scope holds few enough memories to score every one exactly). A forgotten memory's row
 * is deleted, and a rebuild cannot bring it back: its key is gone, so its content no longer opens.
 */
export const memoriesReadModel: Migration = {
  name: '1008_memories',
  up: async (knex) => {
    await knex.raw(`
      CREATE TABLE ${MEMORIES} (
        id               uuid PRIMARY KEY,
        workspace_id     text NOT NULL,
        scope_type       text NOT NULL,
        scope_id         text NOT NULL,
        memory_type      text NOT NULL,
        content_text     text NOT NULL,
        metadata_json    jsonb NOT NULL,
        importance_score real NOT NULL,
        expires_at       timestamptz,
        provenance       jsonb,
        embedding        real[] NOT NULL,
        embedding_model  text NOT NULL,
        tsv              tsvector NOT NULL,
        tokens           integer NOT NULL,
        created_time     timestamptz NOT NULL,
        updated_time     timestamptz NOT NULL
      );
      -- Every read is one scope of one workspace: lists newest first, searches over the scope.
      CREATE INDEX rm_memories_scope ON ${MEMORIES} (workspace_id, scope_type, scope_id, created_time DESC, id DESC);
      CREATE INDEX rm_memories_tsv ON ${MEMORIES} USING gin (tsv);
    `);
  },
  down: async (knex) => {
    await knex.raw(`DROP TABLE IF EXISTS ${MEMORIES};`);
  },
};

/** The expiry sweeper's question, "which memories are past their expires_at", answered from an index of only the memories that have one. */
export const memoryExpiryIndex: Migration = {
  name: '1012_memory_expiry',
  up: async (knex) => {
    await knex.raw(`CREATE INDEX rm_memories_expiry ON ${MEMORIES} (expires_at) WHERE expires_at IS NOT NULL;`);
  },
  down: async (knex) => {
    await knex.raw(`DROP INDEX IF EXISTS rm_memories_expiry;`);
  },
};
