import type { Migration } from '@agent-platform/infra';

export const RUNS = 'rm_agent_runs';
export const INVOCATIONS = 'rm_agent_tool_invocations';

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

/** The run's journal: what a run planned and did step by step, and one row per tool invocation. */
export const agentRunJournalReadModel: Migration = {
  name: '1006_agent_run_journal',
  up: async (knex) => {
    await knex.raw(`
      ALTER TABLE rm_agent_runs
        ADD COLUMN steps               integer NOT NULL DEFAULT 0,
        ADD COLUMN lease_expires_at    timestamptz,
        ADD COLUMN selected_tool_refs  jsonb NOT NULL DEFAULT '[]',
        ADD COLUMN selected_skill_refs jsonb NOT NULL DEFAULT '[]',
        ADD COLUMN memory              jsonb;
      -- A sweeper finds running runs whose holder died: their lease expired.
      CREATE INDEX rm_agent_runs_expired_leases ON rm_agent_runs (lease_expires_at) WHERE status = 'running';
      -- The sweeper also takes automatic runs left queued (their queued event was dead-lettered, say).
      CREATE INDEX rm_agent_runs_automatic_queue ON rm_agent_runs (created_time) WHERE status = 'queued' AND auto_execute;

      CREATE TABLE rm_agent_tool_invocations (
        id               uuid PRIMARY KEY,
        workspace_id     text NOT NULL,
        run_id           uuid NOT NULL,
        step             integer NOT NULL,
        tool_id          uuid,
        tool_version_id  uuid,
        tool_code        text NOT NULL,
        status           text NOT NULL,
        input_json       jsonb NOT NULL,
        output_json      jsonb,
        error            jsonb,
        idempotency_key  text NOT NULL,
        attempts         integer NOT NULL DEFAULT 0,
        duration_ms      double precision,
        started_time     timestamptz,
        finished_time    timestamptz,
        created_time     timestamptz NOT NULL
      );
      CREATE INDEX rm_agent_tool_invocations_by_run ON rm_agent_tool_invocations (run_id, step, created_time);
    `);
  },
  down: async (knex) => {
    await knex.raw(`
      DROP TABLE IF EXISTS rm_agent_tool_invocations;
      DROP INDEX IF EXISTS rm_agent_runs_expired_leases;
      DROP INDEX IF EXISTS rm_agent_runs_automatic_queue;
      ALTER TABLE rm_agent_runs
        DROP COLUMN IF EXISTS steps,
        DROP COLUMN IF EXISTS lease_expires_at,
        DROP COLUMN IF EXISTS selected_tool_refs,
        DROP COLUMN IF EXISTS selected_skill_refs,
        DROP COLUMN IF EXISTS memory;
    `);
  },
};

/** The knowledge chunks a run cites, by id and score (`AgentRunPrepared` version 3); runs planned before cite none. */
export const agentRunCitationsReadModel: Migration = {
  name: '1015_agent_run_citations',
  up: async (knex) => {
    await knex.raw(`ALTER TABLE rm_agent_runs ADD COLUMN citations jsonb NOT NULL DEFAULT '[]';`);
  },
  down: async (knex) => {
    await knex.raw('ALTER TABLE rm_agent_runs DROP COLUMN IF EXISTS citations;');
  },
};

/** The team run and member a run works for (`AgentRunQueued` version 2); runs queued before belong to no team. */
export const agentRunTeamReadModel: Migration = {
  name: '1033_agent_run_team',
  up: async (knex) => {
    await knex.raw(`
      ALTER TABLE rm_agent_runs ADD COLUMN team_run_id uuid, ADD COLUMN member_key text;
      CREATE INDEX rm_agent_runs_by_team_run ON rm_agent_runs (team_run_id) WHERE team_run_id IS NOT NULL;
    `);
  },
  down: async (knex) => {
    await knex.raw('DROP INDEX IF EXISTS rm_agent_runs_by_team_run; ALTER TABLE rm_agent_runs DROP COLUMN IF EXISTS team_run_id, DROP COLUMN IF EXISTS member_key;');
  },
};

/** What a waiting run waits for (`AgentRunAwaitingHuman`), and the approval of each call that waited for one. */
export const agentRunWaitsReadModel: Migration = {
  name: '1060_agent_run_waits',
  up: async (knex) => {
    await knex.raw(`
      ALTER TABLE rm_agent_runs ADD COLUMN waiting_for jsonb;
      ALTER TABLE rm_agent_tool_invocations ADD COLUMN approval jsonb;
    `);
  },
  down: async (knex) => {
    await knex.raw('ALTER TABLE rm_agent_runs DROP COLUMN IF EXISTS waiting_for; ALTER TABLE rm_agent_tool_invocations DROP COLUMN IF EXISTS approval;');
  },
};
