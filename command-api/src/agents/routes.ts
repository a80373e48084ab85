import { AGENTS_CATEGORY, CreateAgentBody, CreateAgentVersionBody } from '@agent-platform/contracts';
import type { Api } from '@agent-platform/infra';
import { definitionRoutes } from '../definitions.js';
import type { CommandDeps } from '../http.js';
import { agentDecider } from './decider.js';

export const agentRoutes = (api: Api, deps: CommandDeps): void =>
  definitionRoutes(api, deps, {
    noun: 'agent',
    article: 'an',
    path: '/agents',
    category: AGENTS_CATEGORY,
    decider: agentDecider,
    createBody: CreateAgentBody,
    create: (body, id, workspace_id) => ({ type: 'CreateAgent' as const, data: { ...body, agent_id: id, workspace_id } }),
    versionBody: CreateAgentVersionBody,
    parentIdOf: (body) => body.agent_id,
    createVersion: (body, version_id, workspace_id) => ({ type: 'CreateAgentVersion' as const, data: { ...body, version_id, workspace_id } }),
    transitions: [
      {
        action: 'publish',
        summary: 'Publish a draft agent version',
        command: ({ id, versionId, workspaceId }) => ({ type: 'PublishAgentVersion' as const, data: { agent_id: id, version_id: versionId, workspace_id: workspaceId } }),
      },
      {
        action: 'archive',
        summary: 'Archive an agent version',
        command: ({ id, versionId, workspaceId }) => ({ type: 'ArchiveAgentVersion' as const, data: { agent_id: id, version_id: versionId, workspace_id: workspaceId } }),
      },
    ],
  });
