import type { Migration } from '@agent-platform/infra';

export const deadLettersReadModel: Migration = {
  name: '1002_dead_letters',
  up: async (knex) => {
    await knex.raw(`
      CREATE TABLE rm_dead_letters (
        id                    uuid PRIMARY KEY,
        workspace_id          text NOT NULL,
        consumer_group        text NOT NULL,
        event_id              uuid NOT NULL,
        event_type            text NOT NULL,
        event_stream_id       text NOT NULL,
        event_global_position bigint NOT NULL,
        attempts              integer NOT NULL,
        error                 jsonb NOT NULL,
        status                text NOT NULL,
        retries               integer NOT NULL DEFAULT 0,
        created_time          timestamptz NOT NULL,
        updated_time          timestamptz NOT NULL
      );
      CREATE INDEX rm_dead_letters_list ON rm_dead_letters (workspace_id, created_time DESC, id DESC);
    `);
  },
  down: async (knex) => {
    await knex.raw('DROP TABLE IF EXISTS rm_dead_letters;');
  },
};
