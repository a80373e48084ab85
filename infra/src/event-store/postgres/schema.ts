import type { Migration, MigrationSet } from '../../db/migrations.js';
import { dataKeysTable } from '../../keys/postgres/schema.js';

const createEventStore: Migration = {
  name: '0001_event_store',
  up: async (knex) => {
    await knex.raw(`
      CREATE TABLE ap_events (
        global_position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        stream_id       text        NOT NULL,
        stream_version  integer     NOT NULL CHECK (stream_version > 0),
        event_id        uuid        NOT NULL UNIQUE,
        type            text        NOT NULL,
        schema_version  integer     NOT NULL DEFAULT 1,
        data            jsonb       NOT NULL,
        metadata        jsonb       NOT NULL,
        transaction_id  xid8        NOT NULL DEFAULT pg_current_xact_id(),
        recorded_at     timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ap_events_stream_version UNIQUE (stream_id, stream_version)
      );
      -- The global log is read in (transaction_id, global_position) order; see readAll.ts.
      CREATE INDEX ap_events_log_order ON ap_events (transaction_id, global_position);

      -- One row per command that carried an id: a retry finds it and appends nothing.
      CREATE TABLE ap_commands (
        command_id     text PRIMARY KEY,
        stream_id      text NOT NULL,
        fingerprint    text,
        first_version  integer NOT NULL,
        last_version   integer NOT NULL,
        last_position  bigint NOT NULL,
        recorded_at    timestamptz NOT NULL DEFAULT now()
      );
    `);
  },
  down: async (knex) => {
    await knex.raw('DROP TABLE IF EXISTS ap_commands; DROP TABLE IF EXISTS ap_events;');
  },
};

const createCheckpoints: Migration = {
  name: '0002_checkpoints',
  up: async (knex) => {
    await knex.raw(`
      CREATE TABLE ap_checkpoints (
        name            text PRIMARY KEY,
        transaction_id  xid8 NOT NULL DEFAULT '0',
        global_position bigint NOT NULL DEFAULT 0,
        updated_at      timestamptz NOT NULL DEFAULT now()
      );
    `);
  },
  down: async (knex) => {
    await knex.raw('DROP TABLE IF EXISTS ap_checkpoints;');
  },
};

const createInbox: Migration = {
  name: '0003_inbox',
  up: async (knex) => {
    await knex.raw(`
      -- Events a consumer group has handled: a redelivered event finds its row and is only acknowledged.
      CREATE TABLE ap_inbox (
        consumer_group text NOT NULL,
        event_id       uuid NOT NULL,
        handled_at     timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer_group, event_id)
      );
    `);
  },
  down: async (knex) => {
    await knex.raw('DROP TABLE IF EXISTS ap_inbox;');
  },
};

const createHttpDeliveries: Migration = {
  name: '0004_http_deliveries',
  up: async (knex) => {
    await knex.raw(`
      -- HTTP pull consumers (POST /events/claim-pending): each one's place in the log, per workspace.
      CREATE TABLE ap_http_consumers (
        workspace_id    text NOT NULL,
        consumer        text NOT NULL,
        transaction_id  xid8 NOT NULL DEFAULT '0',
        global_position bigint NOT NULL DEFAULT 0,
        PRIMARY KEY (workspace_id, consumer)
      );
      -- Each event a consumer has been offered, with its delivery status and lease.
      CREATE TABLE ap_http_deliveries (
        workspace_id    text NOT NULL,
        consumer        text NOT NULL,
        event_id        uuid NOT NULL,
        global_position bigint NOT NULL,
        event           jsonb NOT NULL,
        status          text NOT NULL DEFAULT 'pending',
        attempts        integer NOT NULL DEFAULT 0,
        lease_until     timestamptz,
        last_error      text,
        updated_at      timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (workspace_id, consumer, event_id)
      );
      CREATE INDEX ap_http_deliveries_claimable ON ap_http_deliveries (workspace_id, consumer, global_position)
        WHERE status <> 'delivered';
    `);
  },
  down: async (knex) => {
    await knex.raw('DROP TABLE IF EXISTS ap_http_deliveries; DROP TABLE IF EXISTS ap_http_consumers;');
  },
};

const createClaimPage: Migration = {
  name: '0005_claim_page',
  up: async (knex) => {
    await knex.raw(`
      -- A projector's page in one round trip (checkpoints/postgres.ts, claimFreshPage): locks the
      -- consumer's checkpoint, refuses a page whose first event it already covers (the caller then takes
      -- the slow path, which skips what was applied), moves it to the page's end and makes the
      -- transaction's commit asynchronous.
      CREATE FUNCTION ap_claim_page(p_name text, p_first_tx xid8, p_first_pos bigint, p_end_tx xid8, p_end_pos bigint)
      RETURNS void LANGUAGE plpgsql AS $$
      DECLARE
        stored record;
      BEGIN
        SELECT transaction_id, global_position INTO stored FROM ap_checkpoints WHERE name = p_name FOR UPDATE;
        IF FOUND AND (stored.transaction_id, stored.global_position) >= (p_first_tx, p_first_pos) THEN
          RAISE EXCEPTION 'checkpoint % is already at position %', p_name, stored.global_position
            USING ERRCODE = 'AP409';
        END IF;
        INSERT INTO ap_checkpoints (name, transaction_id, global_position, updated_at)
        VALUES (p_name, p_end_tx, p_end_pos, now())
        ON CONFLICT (name) DO UPDATE SET transaction_id = excluded.transaction_id,
          global_position = excluded.global_position, updated_at = now()
        WHERE (ap_checkpoints.transaction_id, ap_checkpoints.global_position) < (excluded.transaction_id, excluded.global_position);
        PERFORM set_config('synchronous_commit', 'off', true);
      END
      $$;
    `);
  },
  down: async (knex) => {
    await knex.raw('DROP FUNCTION IF EXISTS ap_claim_page(text, xid8, bigint, xid8, bigint);');
  },
};

/** Infra's tables: the log's and the platform's beside it (0001–0099), the data keys' (0100–0199). */
export const eventStoreMigrations: MigrationSet = {
  tableName: 'ap_migrations_event_store',
  migrations: [createEventStore, createCheckpoints, createInbox, createHttpDeliveries, createClaimPage, dataKeysTable],
};
