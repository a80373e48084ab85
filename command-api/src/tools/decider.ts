import { ConflictError, TOOL_DEFINITION, type ToolCommand, type ToolEvent, type ToolVersionStatus } from '@agent-platform/contracts';
import { versionedDefinitionDecider } from '../versionedDefinition.js';

/** A tool and its versions; only a published version is deprecated, telling agents to stop using it. */
export const toolDecider = versionedDefinitionDecider<ToolCommand, ToolEvent, ToolVersionStatus>(TOOL_DEFINITION, {
  from: ['published'],
  refusal: (versionId, current) => new ConflictError('TOOL_VERSION_NOT_PUBLISHED', `tool version ${versionId} is ${current}; only a published one is deprecated`),
});
