import type { Migration } from '@agent-platform/infra';

export const agentRunsReadModel: Migration = {
  name: '1005_agent_runs',
  up: async (knex) => {
    await knex.raw(`
      CREATE TABLE rm_agent_runs (
        id                uuid PRIMARY KEY,
        workspace_id      text NOT NULL,
        agent_id          uuid NOT NULL,
        agent_version_id  uuid NOT NULL,
        session_id        uuid NOT NULL,
        input_text        text NOT NULL,
        status            text NOT NULL,
        auto_execute      boolean NOT NULL,
        dry_run           boolean NOT NULL,
        worker_key        text,
        attempts          integer NOT NULL DEFAULT 0,
        output_text       text,
        error             jsonb,
        prompt_tokens     integer NOT NULL DEFAULT 0,
        completion_tokens integer NOT NULL DEFAULT 0,
        created_time      timestamptz NOT NULL,
        started_time      timestamptz,
        finished_time     timestamptz,
        updated_time      timestamptz NOT NULL
      );
      CREATE INDEX rm_agent_runs_list ON rm_agent_runs (workspace_id, created_time DESC, id DESC);
      -- The worker claim API takes the oldest queued run that is not executed automatically.
      CREATE INDEX rm_agent_runs_manual_queue ON rm_agent_runs (workspace_id, created_time) WHERE status = 'queued' AND NOT auto_execute;
    `);
  },
  down: async (knex) => {
    await knex.raw('DROP TABLE IF EXISTS rm_agent_runs;');
  },
};
