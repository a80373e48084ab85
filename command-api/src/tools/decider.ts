import { ConflictError, type ToolCommand, type ToolEvent, type ToolVersionStatus } from '@agent-platform/contracts';
import type { z } from 'zod';
import { versionedDefinitionDecider } from '../versionedDefinition.js';

type VersionStatus = z.infer<typeof ToolVersionStatus>;

/** A tool and its versions; only a published version is deprecated, telling agents to stop using it. */
export const toolDecider = versionedDefinitionDecider<ToolCommand, ToolEvent, VersionStatus>({
  noun: 'tool',
  errorPrefix: 'TOOL',
  article: 'a',
  idField: 'tool_id',
  typeField: 'tool_type',
  commands: { create: 'CreateTool', createVersion: 'CreateToolVersion', publish: 'PublishToolVersion', retire: 'DeprecateToolVersion' },
  events: { created: 'ToolCreated', versionCreated: 'ToolVersionCreated', published: 'ToolVersionPublished', retired: 'ToolVersionDeprecated' },
  retire: {
    status: 'deprecated',
    from: ['published'],
    refusal: (versionId, current) =>
      new ConflictError('TOOL_VERSION_NOT_PUBLISHED', `tool version ${versionId} is ${current}; only a published one is deprecated`),
  },
});
