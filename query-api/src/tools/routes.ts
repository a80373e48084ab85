import { ListToolsQuery, ToolVersionView, ToolView } from '@agent-platform/contracts';
import { versionedDefinitionQueries } from '../versionedDefinition.js';

export const toolQueries = versionedDefinitionQueries({
  noun: 'tool',
  article: 'a',
  errorPrefix: 'TOOL',
  projection: 'tools',
  tables: { definitions: 'rm_tools', versions: 'rm_tool_versions', parentColumn: 'tool_id' },
  view: ToolView,
  versionView: ToolVersionView,
  listQuery: ListToolsQuery,
});
