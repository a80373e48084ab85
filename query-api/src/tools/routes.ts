import { ListToolsQuery, TOOL_DEFINITION, ToolVersionView, ToolView } from '@agent-platform/contracts';
import { versionedDefinitionQueries } from '../versionedDefinition.js';

export const toolQueries = versionedDefinitionQueries(TOOL_DEFINITION, { view: ToolView, versionView: ToolVersionView, listQuery: ListToolsQuery });
