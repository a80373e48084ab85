import { AgentCreated, AgentVersionArchived, AgentVersionCreated, AgentVersionPublished, type AgentVersionStatus } from '@agent-platform/contracts';
import { projectorOf, type Projection } from '../projector.js';
import { refreshLatestPublished } from '../versions.js';

const created: Projection = (sql, e) => {
  const d = AgentCreated.schema.parse(e.data);
  return [
    sql('rm_agents').insert({
      id: d.agent_id,
      workspace_id: e.metadata.workspace_id,
      code: d.code,
      name: d.name,
      agent_type: d.agent_type,
      description: d.description,
      created_time: e.recorded_at,
      updated_time: e.recorded_at,
    }),
  ];
};

const versionCreated: Projection = (sql, e) => {
  const d = AgentVersionCreated.schema.parse(e.data);
  return [
    sql('rm_agent_versions').insert({
      id: d.version_id,
      workspace_id: e.metadata.workspace_id,
      agent_id: d.agent_id,
      version_no: d.version_no,
      status: 'draft',
      role: d.role,
      goal: d.goal,
      system_prompt: d.system_prompt,
      model_config: JSON.stringify(d.model_config),
      memory_policy: JSON.stringify(d.memory_policy),
      tool_refs: JSON.stringify(d.tool_refs),
      skill_refs: JSON.stringify(d.skill_refs),
      created_time: e.recorded_at,
      updated_time: e.recorded_at,
    }),
    sql('rm_agents').where({ id: d.agent_id }).update({ version_count: d.version_no, updated_time: e.recorded_at }),
  ];
};

const TABLES = { definitions: 'rm_agents', versions: 'rm_agent_versions', parentColumn: 'agent_id' };

const statusChange =
  (status: Exclude<AgentVersionStatus, 'draft'>, parse: (data: unknown) => { agent_id: string; version_id: string }): Projection =>
  (sql, e) => {
    const d = parse(e.data);
    return [
      sql('rm_agent_versions')
        .where({ id: d.version_id })
        .update({ status, updated_time: e.recorded_at, ...(status === 'published' ? { published_time: e.recorded_at } : {}) }),
      refreshLatestPublished(sql, TABLES, d.agent_id, e.recorded_at),
    ];
  };

export const agentsProjector = projectorOf('agents', ['rm_agent_versions', 'rm_agents'], {
  [AgentCreated.type]: created,
  [AgentVersionCreated.type]: versionCreated,
  [AgentVersionPublished.type]: statusChange('published', (d) => AgentVersionPublished.schema.parse(d)),
  [AgentVersionArchived.type]: statusChange('archived', (d) => AgentVersionArchived.schema.parse(d)),
});
