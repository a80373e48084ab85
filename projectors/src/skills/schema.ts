import type { Migration } from '@agent-platform/infra';

export const INSTALLATIONS = 'rm_skill_installations';
export const RUNS = 'rm_skill_runs';

/** `rm_skills` and `rm_skill_versions`, as every versioned definition's read model names them. */
export const skillsReadModel: Migration = {
  name: '1020_skills',
  up: async (knex) => {
    await knex.raw(`
      CREATE TABLE rm_skills (
        id                          uuid PRIMARY KEY,
        workspace_id                text NOT NULL,
        code                        text NOT NULL,
        name                        text NOT NULL,
        skill_type                  text NOT NULL,
        description                 text,
        latest_published_version_id uuid,
        version_count               integer NOT NULL DEFAULT 0,
        created_time                timestamptz NOT NULL,
        updated_time                timestamptz NOT NULL,
        UNIQUE (workspace_id, code)
      );
      CREATE INDEX rm_skills_list ON rm_skills (workspace_id, created_time DESC, id DESC);
      CREATE TABLE rm_skill_versions (
        id                    uuid PRIMARY KEY,
        workspace_id          text NOT NULL,
        skill_id              uuid NOT NULL,
        version_no            integer NOT NULL,
        status                text NOT NULL,
        runtime_type          text NOT NULL,
        parameter_schema_json jsonb NOT NULL,
        output_schema_json    jsonb NOT NULL,
        implementation_json   jsonb NOT NULL,
        created_time          timestamptz NOT NULL,
        published_time        timestamptz,
        updated_time          timestamptz NOT NULL,
        UNIQUE (skill_id, version_no)
      );
    `);
  },
  down: async (knex) => {
    await knex.raw('DROP TABLE IF EXISTS rm_skill_versions; DROP TABLE IF EXISTS rm_skills;');
  },
};

export const skillInstallationsReadModel: Migration = {
  name: '1021_skill_installations',
  up: async (knex) => {
    await knex.raw(`
      CREATE TABLE ${INSTALLATIONS} (
        id             uuid PRIMARY KEY,
        workspace_id   text NOT NULL,
        skill_id       uuid NOT NULL,
        install_scope  text NOT NULL,
        scope_id       text NOT NULL,
        installed_by   text NOT NULL,
        status         text NOT NULL,
        uninstalled_by text,
        created_time   timestamptz NOT NULL,
        updated_time   timestamptz NOT NULL
      );
      CREATE INDEX ${INSTALLATIONS}_list ON ${INSTALLATIONS} (workspace_id, created_time DESC, id DESC);
    `);
  },
  down: async (knex) => {
    await knex.raw(`DROP TABLE IF EXISTS ${INSTALLATIONS};`);
  },
};

export const skillRunsReadModel: Migration = {
  name: '1022_skill_runs',
  up: async (knex) => {
    await knex.raw(`
      CREATE TABLE ${RUNS} (
        id               uuid PRIMARY KEY,
        workspace_id     text NOT NULL,
        skill_id         uuid NOT NULL,
        skill_version_id uuid NOT NULL,
        runtime_type     text NOT NULL,
        status           text NOT NULL,
        input_json       jsonb NOT NULL,
        output_json      jsonb,
        output_text      text,
        error            jsonb,
        auto_execute     boolean NOT NULL,
        worker_key       text,
        attempts         integer NOT NULL DEFAULT 0,
        calls            integer NOT NULL DEFAULT 0,
        agent_run_id     uuid,
        agent_status     text,
        duration_ms      double precision,
        lease_expires_at timestamptz,
        created_time     timestamptz NOT NULL,
        started_time     timestamptz,
        finished_time    timestamptz,
        updated_time     timestamptz NOT NULL
      );
      CREATE INDEX ${RUNS}_list ON ${RUNS} (workspace_id, created_time DESC, id DESC);
      CREATE INDEX ${RUNS}_leases ON ${RUNS} (lease_expires_at) WHERE lease_expires_at IS NOT NULL;
      CREATE INDEX ${RUNS}_queued ON ${RUNS} (created_time) WHERE status = 'queued' AND auto_execute;
    `);
  },
  down: async (knex) => {
    await knex.raw(`DROP TABLE IF EXISTS ${RUNS};`);
  },
};
