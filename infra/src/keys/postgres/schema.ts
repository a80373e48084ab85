import type { Migration } from '../../db/migrations.js';

/**
 * Infra's key store takes the numbers 0100–0199 of the event store's set (`ap_migrations_event_store`).
 *
 * A destroy sets `wrapped_key` and `kek_id` to NULL in the statement that writes the tombstone. PostgreSQL
 * keeps the row's earlier version, wrapped key and all, in the table's pages until VACUUM removes it, and even
 * then the bytes may stay in the page's free space until overwritten; copies also live on in WAL (and its
 * archive), replicas and backups. Each copy is wrapped under the master key of its day, so it is erased for
 * good once that master key is retired: rotate, run `rewrapKeys`, then remove the old key (docs/erasure.md).
 * The CHECK makes a tombstone with key material, or a live key without, impossible.
 */
export const dataKeysTable: Migration = {
  name: '0100_data_keys',
  up: async (knex) => {
    await knex.raw(`
      CREATE TABLE ap_data_keys (
        workspace_id text NOT NULL,
        subject      text NOT NULL,
        subject_kind text GENERATED ALWAYS AS (split_part(subject, ':', 1)) STORED,
        scopes       text[] NOT NULL DEFAULT '{}',
        key_id       text NOT NULL UNIQUE,
        kek_id       text,
        wrapped_key  bytea,
        created_at   timestamptz NOT NULL DEFAULT now(),
        destroyed_at timestamptz,
        PRIMARY KEY (workspace_id, subject),
        CONSTRAINT ap_data_keys_live_xor_destroyed
          CHECK ((destroyed_at IS NULL AND kek_id IS NOT NULL AND wrapped_key IS NOT NULL)
              OR (destroyed_at IS NOT NULL AND kek_id IS NULL AND wrapped_key IS NULL))
      );
      -- A scope destroy: the live keys of one kind in one workspace, filtered by scope.
      CREATE INDEX ap_data_keys_scope ON ap_data_keys USING gin (scopes) WHERE destroyed_at IS NULL;
      CREATE INDEX ap_data_keys_kind ON ap_data_keys (workspace_id, subject_kind) WHERE destroyed_at IS NULL;
      -- Re-wrapping finds the live keys still under an older master key.
      CREATE INDEX ap_data_keys_kek ON ap_data_keys (kek_id) WHERE destroyed_at IS NULL;
    `);
  },
  down: async (knex) => {
    await knex.raw('DROP TABLE IF EXISTS ap_data_keys;');
  },
};
