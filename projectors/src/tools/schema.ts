import type { Migration } from '@agent-platform/infra';

export const toolsReadModel: Migration = {
  name: '1003_tools',
  up: async (knex) => {
    await knex.raw(`
      CREATE TABLE rm_tools (
        id                          uuid PRIMARY KEY,
        workspace_id                text NOT NULL,
        code                        text NOT NULL,
        name                        text NOT NULL,
        tool_type                   text NOT NULL,
        description                 text,
        latest_published_version_id uuid,
        version_count               integer NOT NULL DEFAULT 0,
        created_time                timestamptz NOT NULL,
        updated_time                timestamptz NOT NULL,
        UNIQUE (workspace_id, code)
      );
      CREATE INDEX rm_tools_list ON rm_tools (workspace_id, created_time DESC, id DESC);

      CREATE TABLE rm_tool_versions (
        id                 uuid PRIMARY KEY,
        workspace_id       text NOT NULL,
        tool_id            uuid NOT NULL,
        version_no         integer NOT NULL,
        status             text NOT NULL,
        input_schema_json  jsonb NOT NULL,
        output_schema_json jsonb NOT NULL,
        invoke_config_json jsonb NOT NULL,
        created_time       timestamptz NOT NULL,
        published_time     timestamptz,
        updated_time       timestamptz NOT NULL,
        UNIQUE (tool_id, version_no)
      );
    `);
  },
  down: async (knex) => {
    await knex.raw('DROP TABLE IF EXISTS rm_tool_versions; DROP TABLE IF EXISTS rm_tools;');
  },
};
