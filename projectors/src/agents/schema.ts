import type { Migration } from '@agent-platform/infra';

export const agentsReadModel: Migration = {
  name: '1004_agents',
  up: async (knex) => {
    await knex.raw(`
      CREATE TABLE rm_agents (
        id                          uuid PRIMARY KEY,
        workspace_id                text NOT NULL,
        code                        text NOT NULL,
        name                        text NOT NULL,
        agent_type                  text NOT NULL,
        description                 text,
        latest_published_version_id uuid,
        version_count               integer NOT NULL DEFAULT 0,
        created_time                timestamptz NOT NULL,
        updated_time                timestamptz NOT NULL,
        UNIQUE (workspace_id, code)
      );
      CREATE INDEX rm_agents_list ON rm_agents (workspace_id, created_time DESC, id DESC);

      CREATE TABLE rm_agent_versions (
        id             uuid PRIMARY KEY,
        workspace_id   text NOT NULL,
        agent_id       uuid NOT NULL,
        version_no     integer NOT NULL,
        status         text NOT NULL,
        role           text,
        goal           text,
        system_prompt  text,
        model_config   jsonb NOT NULL,
        memory_policy  jsonb NOT NULL,
        tool_refs      jsonb NOT NULL,
        skill_refs     jsonb NOT NULL,
        created_time   timestamptz NOT NULL,
        published_time timestamptz,
        updated_time   timestamptz NOT NULL,
        UNIQUE (agent_id, version_no)
      );
    `);
  },
  down: async (knex) => {
    await knex.raw('DROP TABLE IF EXISTS rm_agent_versions; DROP TABLE IF EXISTS rm_agents;');
  },
};

/** The knowledge bases a version searches (`AgentVersionCreated` version 2); versions created before search none. */
export const agentKnowledgeRefsReadModel: Migration = {
  name: '1013_agent_knowledge_refs',
  up: async (knex) => {
    await knex.raw(`ALTER TABLE rm_agent_versions ADD COLUMN knowledge_refs jsonb NOT NULL DEFAULT '[]';`);
  },
  down: async (knex) => {
    await knex.raw('ALTER TABLE rm_agent_versions DROP COLUMN IF EXISTS knowledge_refs;');
  },
};
