import type { Migration } from '@agent-platform/infra';

export const sessionsReadModel: Migration = {
  name: '1001_sessions',
  up: async (knex) => {
    await knex.raw(`
      CREATE TABLE rm_sessions (
        id                uuid PRIMARY KEY,
        workspace_id      text NOT NULL,
        app_id            text NOT NULL,
        user_id           text NOT NULL,
        channel_type      text NOT NULL,
        title             text,
        status            text NOT NULL,
        metadata_json     jsonb NOT NULL,
        message_count     integer NOT NULL DEFAULT 0,
        last_message_time timestamptz,
        created_time      timestamptz NOT NULL,
        updated_time      timestamptz NOT NULL,
        closed_time       timestamptz
      );
      -- Lists are per workspace, newest first, optionally by user, app or status.
      CREATE INDEX rm_sessions_list ON rm_sessions (workspace_id, created_time DESC, id DESC);
      CREATE INDEX rm_sessions_by_user ON rm_sessions (workspace_id, user_id, created_time DESC, id DESC);

      CREATE TABLE rm_session_messages (
        id            uuid PRIMARY KEY,
        workspace_id  text NOT NULL,
        session_id    uuid NOT NULL,
        seq_no        integer NOT NULL,
        role          text NOT NULL,
        content_text  text NOT NULL,
        metadata_json jsonb NOT NULL,
        created_time  timestamptz NOT NULL,
        UNIQUE (session_id, seq_no)
      );
    `);
  },
  down: async (knex) => {
    await knex.raw('DROP TABLE IF EXISTS rm_session_messages; DROP TABLE IF EXISTS rm_sessions;');
  },
};
