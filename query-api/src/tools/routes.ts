import { z } from 'zod';
import { ListToolsQuery, NotFoundError, Page, ToolVersionView, ToolView, Uuid } from '@agent-platform/contracts';
import { route, type Api } from '@agent-platform/infra';
import { newestFirstPage } from '../cursor.js';
import { ReadYourWritesQuery, type QueryDeps } from '../deps.js';
import { iso } from '../rows.js';

const PROJECTIONS = ['tools'] as const;
const IdParams = z.object({ id: Uuid });

const toTool = (row: Record<string, unknown>) =>
  ToolView.parse({ ...row, created_time: iso(row.created_time), updated_time: iso(row.updated_time) });
const toVersion = (row: Record<string, unknown>) =>
  ToolVersionView.parse({
    ...row,
    created_time: iso(row.created_time),
    updated_time: iso(row.updated_time),
    published_time: row.published_time ? iso(row.published_time) : null,
  });

export const toolQueries = (api: Api, deps: QueryDeps): void => {
  const notFound = (id: string) => new NotFoundError('TOOL_NOT_FOUND', `tool ${id} does not exist in this workspace`);

  route(api, {
    method: 'get',
    path: '/tools',
    summary: 'List tools, newest first',
    tags: ['tools'],
    query: ListToolsQuery.extend(ReadYourWritesQuery.shape),
    headers: deps.queryHeaders,
    responses: { 200: { description: 'A page of tools.', schema: Page(ToolView) } },
    errors: [503],
    handler: async ({ query, ctx, req }) => {
      await deps.consistency.awaitPosition(req, PROJECTIONS);
      const q = deps.knex('rm_tools').where({ workspace_id: ctx.workspaceId });
      if (query.tool_type) q.andWhere({ tool_type: query.tool_type });
      if (query.code) q.andWhere({ code: query.code });
      return { status: 200, body: await newestFirstPage(q, query, toTool) };
    },
  });

  route(api, {
    method: 'get',
    path: '/tools/versions/:id',
    summary: 'Get a tool version',
    tags: ['tools'],
    params: IdParams,
    query: ReadYourWritesQuery,
    headers: deps.queryHeaders,
    responses: { 200: { description: 'The version.', schema: ToolVersionView } },
    errors: [404, 503],
    handler: async ({ params, ctx, req }) => {
      await deps.consistency.awaitPosition(req, PROJECTIONS);
      const row = await deps.knex('rm_tool_versions').where({ workspace_id: ctx.workspaceId, id: params.id }).first();
      if (!row) throw new NotFoundError('TOOL_VERSION_NOT_FOUND', `tool version ${params.id} does not exist in this workspace`);
      return { status: 200, body: toVersion(row) };
    },
  });

  route(api, {
    method: 'get',
    path: '/tools/:id',
    summary: 'Get a tool',
    tags: ['tools'],
    params: IdParams,
    query: ReadYourWritesQuery,
    headers: deps.queryHeaders,
    responses: { 200: { description: 'The tool.', schema: ToolView } },
    errors: [404, 503],
    handler: async ({ params, ctx, req }) => {
      await deps.consistency.awaitPosition(req, PROJECTIONS);
      const row = await deps.knex('rm_tools').where({ workspace_id: ctx.workspaceId, id: params.id }).first();
      if (!row) throw notFound(params.id);
      return { status: 200, body: toTool(row) };
    },
  });

  route(api, {
    method: 'get',
    path: '/tools/:id/versions',
    summary: "List a tool's versions, newest first",
    tags: ['tools'],
    params: IdParams,
    query: ReadYourWritesQuery,
    headers: deps.queryHeaders,
    responses: { 200: { description: 'Every version of the tool.', schema: z.object({ items: z.array(ToolVersionView) }) } },
    errors: [404, 503],
    handler: async ({ params, ctx, req }) => {
      await deps.consistency.awaitPosition(req, PROJECTIONS);
      if (!(await deps.knex('rm_tools').where({ workspace_id: ctx.workspaceId, id: params.id }).first())) throw notFound(params.id);
      const rows = await deps.knex('rm_tool_versions').where({ workspace_id: ctx.workspaceId, tool_id: params.id }).orderBy('version_no', 'desc');
      return { status: 200, body: { items: rows.map(toVersion) } };
    },
  });
};
