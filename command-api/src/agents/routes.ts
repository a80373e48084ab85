import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { AGENTS_CATEGORY, CommandAccepted, CreateAgentBody, CreateAgentVersionBody, streamId, Uuid } from '@agent-platform/contracts';
import { route, uuidFrom, type Api } from '@agent-platform/infra';
import { accepted, type CommandDeps } from '../http.js';
import { agentDecider } from './decider.js';

const stream = (agentId: string) => streamId(AGENTS_CATEGORY, agentId);
/** The id a code stands for in a workspace: creating the same code twice meets the same stream. */
export const agentIdFor = (workspaceId: string, code: string) => uuidFrom('agent', workspaceId, code);
const VersionParams = z.object({ id: Uuid, version_id: Uuid });

export const agentRoutes = (api: Api, deps: CommandDeps): void => {
  route(api, {
    method: 'post',
    path: '/agents',
    summary: 'Define an agent; its code is unique in the workspace',
    tags: ['agents'],
    body: CreateAgentBody,
    headers: deps.commandHeaders,
    responses: { 201: { description: 'Created; `id` is the agent id.', schema: CommandAccepted } },
    errors: [409, 422],
    handler: async ({ body, ctx, req }) => {
      const agentId = agentIdFor(ctx.workspaceId, body.code);
      const result = await deps.handle(
        agentDecider,
        stream(agentId),
        { type: 'CreateAgent', data: { ...body, agent_id: agentId, workspace_id: ctx.workspaceId } },
        deps.contextOf(ctx, req, body),
      );
      return accepted(201, agentId, result);
    },
  });

  route(api, {
    method: 'post',
    path: '/agents/versions',
    summary: 'Add a version to an agent: prompt, model configuration, memory policy, tools and skills',
    tags: ['agents'],
    body: CreateAgentVersionBody,
    headers: deps.commandHeaders,
    responses: { 201: { description: 'Created; `id` is the version id.', schema: CommandAccepted } },
    errors: [404, 422],
    handler: async ({ body, ctx, req }) => {
      const versionId = randomUUID();
      const result = await deps.handle(
        agentDecider,
        stream(body.agent_id),
        { type: 'CreateAgentVersion', data: { ...body, version_id: versionId, workspace_id: ctx.workspaceId } },
        deps.contextOf(ctx, req, body),
        { retryOnConflict: 5 },
      );
      return accepted(201, versionId, result);
    },
  });

  for (const [action, type] of [
    ['publish', 'PublishAgentVersion'],
    ['archive', 'ArchiveAgentVersion'],
  ] as const) {
    route(api, {
      method: 'post',
      path: `/agents/:id/versions/:version_id/${action}`,
      summary: action === 'publish' ? 'Publish a draft agent version' : 'Archive an agent version',
      tags: ['agents'],
      params: VersionParams,
      headers: deps.commandHeaders,
      responses: { 202: { description: 'Done; `id` is the version id.', schema: CommandAccepted } },
      errors: [404, 409, 422],
      handler: async ({ params, ctx, req }) => {
        const result = await deps.handle(
          agentDecider,
          stream(params.id),
          { type, data: { agent_id: params.id, version_id: params.version_id, workspace_id: ctx.workspaceId } },
          deps.contextOf(ctx, req, { params }),
          { retryOnConflict: 5 },
        );
        return accepted(202, params.version_id, result);
      },
    });
  }
};
