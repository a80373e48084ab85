import { CreateToolBody, CreateToolVersionBody, TOOLS_CATEGORY } from '@agent-platform/contracts';
import type { Api } from '@agent-platform/infra';
import { definitionRoutes } from '../definitions.js';
import type { CommandDeps } from '../http.js';
import { toolDecider } from './decider.js';

export const toolRoutes = (api: Api, deps: CommandDeps): void =>
  definitionRoutes(api, deps, {
    noun: 'tool',
    article: 'a',
    path: '/tools',
    category: TOOLS_CATEGORY,
    decider: toolDecider,
    createBody: CreateToolBody,
    create: (body, id, workspace_id) => ({ type: 'CreateTool' as const, data: { ...body, tool_id: id, workspace_id } }),
    versionBody: CreateToolVersionBody,
    parentIdOf: (body) => body.tool_id,
    createVersion: (body, version_id, workspace_id) => ({ type: 'CreateToolVersion' as const, data: { ...body, version_id, workspace_id } }),
    transitions: [
      {
        action: 'publish',
        summary: 'Publish a draft tool version',
        command: ({ id, versionId, workspaceId }) => ({ type: 'PublishToolVersion' as const, data: { tool_id: id, version_id: versionId, workspace_id: workspaceId } }),
      },
      {
        action: 'deprecate',
        summary: 'Deprecate a published tool version',
        command: ({ id, versionId, workspaceId }) => ({ type: 'DeprecateToolVersion' as const, data: { tool_id: id, version_id: versionId, workspace_id: workspaceId } }),
      },
    ],
  });
