import { ToolCreated, ToolVersionCreated, ToolVersionDeprecated, ToolVersionPublished } from '@agent-platform/contracts';
import { projectorOf, type Projection } from '../projector.js';
import { refreshLatestPublished } from '../versions.js';

const created: Projection = (sql, e) => {
  const d = ToolCreated.schema.parse(e.data);
  return [
    sql('rm_tools').insert({
      id: d.tool_id,
      workspace_id: e.metadata.workspace_id,
      code: d.code,
      name: d.name,
      tool_type: d.tool_type,
      description: d.description,
      created_time: e.recorded_at,
      updated_time: e.recorded_at,
    }),
  ];
};

const versionCreated: Projection = (sql, e) => {
  const d = ToolVersionCreated.schema.parse(e.data);
  return [
    sql('rm_tool_versions').insert({
      id: d.version_id,
      workspace_id: e.metadata.workspace_id,
      tool_id: d.tool_id,
      version_no: d.version_no,
      status: 'draft',
      input_schema_json: JSON.stringify(d.input_schema_json),
      output_schema_json: JSON.stringify(d.output_schema_json),
      invoke_config_json: JSON.stringify(d.invoke_config_json),
      created_time: e.recorded_at,
      updated_time: e.recorded_at,
    }),
    sql('rm_tools').where({ id: d.tool_id }).update({ version_count: d.version_no, updated_time: e.recorded_at }),
  ];
};

const TABLES = { definitions: 'rm_tools', versions: 'rm_tool_versions', parentColumn: 'tool_id' };

const published: Projection = (sql, e) => {
  const d = ToolVersionPublished.schema.parse(e.data);
  return [
    sql('rm_tool_versions').where({ id: d.version_id }).update({ status: 'published', published_time: e.recorded_at, updated_time: e.recorded_at }),
    refreshLatestPublished(sql, TABLES, d.tool_id, e.recorded_at),
  ];
};

const deprecated: Projection = (sql, e) => {
  const d = ToolVersionDeprecated.schema.parse(e.data);
  return [
    sql('rm_tool_versions').where({ id: d.version_id }).update({ status: 'deprecated', updated_time: e.recorded_at }),
    refreshLatestPublished(sql, TABLES, d.tool_id, e.recorded_at),
  ];
};

export const toolsProjector = projectorOf('tools', ['rm_tool_versions', 'rm_tools'], {
  [ToolCreated.type]: created,
  [ToolVersionCreated.type]: versionCreated,
  [ToolVersionPublished.type]: published,
  [ToolVersionDeprecated.type]: deprecated,
});
