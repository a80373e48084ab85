import type { Migration } from '@agent-platform/infra';

export const TEAM_RUNS = 'rm_team_runs';
export const TEAM_RUN_STEPS = 'rm_team_run_steps';

export const teamsReadModel: Migration = {
  name: '1031_teams',
  up: async (knex) => {
    await knex.raw(`
      CREATE TABLE rm_teams (
        id                          uuid PRIMARY KEY,
        workspace_id                text NOT NULL,
        code                        text NOT NULL,
        name                        text NOT NULL,
        team_type                   text NOT NULL,
        description                 text,
        latest_published_version_id uuid,
        version_count               integer NOT NULL DEFAULT 0,
        created_time                timestamptz NOT NULL,
        updated_time                timestamptz NOT NULL,
        UNIQUE (workspace_id, code)
      );
      CREATE INDEX rm_teams_list ON rm_teams (workspace_id, created_time DESC, id DESC);
      CREATE TABLE rm_team_versions (
        id                uuid PRIMARY KEY,
        workspace_id      text NOT NULL,
        team_id           uuid NOT NULL,
        version_no        integer NOT NULL,
        status            text NOT NULL,
        coordination_mode text NOT NULL,
        objective         text NOT NULL,
        member_refs       jsonb NOT NULL,
        config_json       jsonb NOT NULL,
        created_time      timestamptz NOT NULL,
        published_time    timestamptz,
        updated_time      timestamptz NOT NULL,
        UNIQUE (team_id, version_no)
      );
    `);
  },
  down: async (knex) => {
    await knex.raw('DROP TABLE IF EXISTS rm_team_versions; DROP TABLE IF EXISTS rm_teams;');
  },
};

export const teamRunsReadModel: Migration = {
  name: '1032_team_runs',
  up: async (knex) => {
    await knex.raw(`
      CREATE TABLE rm_team_runs (
        id                uuid PRIMARY KEY,
        workspace_id      text NOT NULL,
        team_id           uuid NOT NULL,
        team_version_id   uuid NOT NULL,
        session_id        uuid NOT NULL,
        input_text        text NOT NULL,
        coordination_mode text NOT NULL,
        status            text NOT NULL,
        auto_execute      boolean NOT NULL,
        dry_run           boolean NOT NULL,
        worker_key        text,
        attempts          integer NOT NULL DEFAULT 0,
        steps             integer NOT NULL DEFAULT 0,
        waiting           boolean NOT NULL DEFAULT false,
        output_text       text,
        error             jsonb,
        lease_expires_at  timestamptz,
        created_time      timestamptz NOT NULL,
        started_time      timestamptz,
        finished_time     timestamptz,
        updated_time      timestamptz NOT NULL
      );
      CREATE INDEX rm_team_runs_list ON rm_team_runs (workspace_id, created_time DESC, id DESC);
      -- The team worker claim API takes the oldest queued run that is not executed automatically.
      CREATE INDEX rm_team_runs_manual_queue ON rm_team_runs (workspace_id, created_time) WHERE status = 'queued' AND NOT auto_execute;
      -- The sweeper: runs whose holder died, and runs woken (or queued automatically) that nobody took.
      CREATE INDEX rm_team_runs_expired_leases ON rm_team_runs (lease_expires_at) WHERE status = 'running';
      CREATE INDEX rm_team_runs_untaken ON rm_team_runs (updated_time) WHERE lease_expires_at IS NULL AND NOT waiting AND status IN ('queued', 'running');

      CREATE TABLE rm_team_run_steps (
        team_run_id   uuid NOT NULL,
        step_no       integer NOT NULL,
        workspace_id  text NOT NULL,
        member_key    text NOT NULL,
        agent_id      uuid NOT NULL,
        agent_run_id  uuid NOT NULL,
        purpose       text NOT NULL,
        round         integer NOT NULL,
        input_text    text NOT NULL,
        status        text NOT NULL,
        output_text   text,
        error         jsonb,
        started_time  timestamptz NOT NULL,
        finished_time timestamptz,
        PRIMARY KEY (team_run_id, step_no)
      );
    `);
  },
  down: async (knex) => {
    await knex.raw('DROP TABLE IF EXISTS rm_team_run_steps; DROP TABLE IF EXISTS rm_team_runs;');
  },
};
