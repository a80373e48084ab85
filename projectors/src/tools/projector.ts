import { TOOL_DEFINITION, ToolCreated, ToolVersionCreated, ToolVersionDeprecated, ToolVersionPublished } from '@agent-platform/contracts';
import { versionedDefinitionProjector } from '../versionedDefinition.js';

export const toolsProjector = versionedDefinitionProjector(TOOL_DEFINITION, {
  created: ToolCreated,
  versionCreated: ToolVersionCreated,
  versionColumns: (d) => ({
    input_schema_json: JSON.stringify(d.input_schema_json),
    output_schema_json: JSON.stringify(d.output_schema_json),
    invoke_config_json: JSON.stringify(d.invoke_config_json),
  }),
  published: ToolVersionPublished,
  retired: ToolVersionDeprecated,
});
