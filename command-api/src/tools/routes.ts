import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { CommandAccepted, CreateToolBody, CreateToolVersionBody, streamId, TOOLS_CATEGORY, Uuid } from '@agent-platform/contracts';
import { route, uuidFrom, type Api } from '@agent-platform/infra';
import { accepted, type CommandDeps } from '../http.js';
import { toolDecider } from './decider.js';

const stream = (toolId: string) => streamId(TOOLS_CATEGORY, toolId);
/** The id a code stands for in a workspace: creating the same code twice meets the same stream. */
export const toolIdFor = (workspaceId: string, code: string) => uuidFrom('tool', workspaceId, code);
const VersionParams = z.object({ id: Uuid, version_id: Uuid });

export const toolRoutes = (api: Api, deps: CommandDeps): void => {
  route(api, {
    method: 'post',
    path: '/tools',
    summary: 'Define a tool; its code is unique in the workspace',
    tags: ['tools'],
    body: CreateToolBody,
    headers: deps.commandHeaders,
    responses: { 201: { description: 'Created; `id` is the tool id.', schema: CommandAccepted } },
    errors: [409, 422],
    handler: async ({ body, ctx, req }) => {
      const toolId = toolIdFor(ctx.workspaceId, body.code);
      const result = await deps.handle(
        toolDecider,
        stream(toolId),
        { type: 'CreateTool', data: { ...body, tool_id: toolId, workspace_id: ctx.workspaceId } },
        deps.contextOf(ctx, req, body),
      );
      return accepted(201, toolId, result);
    },
  });

  route(api, {
    method: 'post',
    path: '/tools/versions',
    summary: 'Add a version to a tool (draft, or published at once)',
    tags: ['tools'],
    body: CreateToolVersionBody,
    headers: deps.commandHeaders,
    responses: { 201: { description: 'Created; `id` is the version id.', schema: CommandAccepted } },
    errors: [404, 422],
    handler: async ({ body, ctx, req }) => {
      const versionId = randomUUID();
      const result = await deps.handle(
        toolDecider,
        stream(body.tool_id),
        { type: 'CreateToolVersion', data: { ...body, version_id: versionId, workspace_id: ctx.workspaceId } },
        deps.contextOf(ctx, req, body),
        { retryOnConflict: 5 },
      );
      return accepted(201, versionId, result);
    },
  });

  for (const [action, type] of [
    ['publish', 'PublishToolVersion'],
    ['deprecate', 'DeprecateToolVersion'],
  ] as const) {
    route(api, {
      method: 'post',
      path: `/tools/:id/versions/:version_id/${action}`,
      summary: action === 'publish' ? 'Publish a draft tool version' : 'Deprecate a published tool version',
      tags: ['tools'],
      params: VersionParams,
      headers: deps.commandHeaders,
      responses: { 202: { description: 'Done; `id` is the version id.', schema: CommandAccepted } },
      errors: [404, 409, 422],
      handler: async ({ params, ctx, req }) => {
        const result = await deps.handle(
          toolDecider,
          stream(params.id),
          { type, data: { tool_id: params.id, version_id: params.version_id, workspace_id: ctx.workspaceId } },
          deps.contextOf(ctx, req, { params }),
          { retryOnConflict: 5 },
        );
        return accepted(202, params.version_id, result);
      },
    });
  }
};
