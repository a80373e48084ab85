import { z } from 'zod';
import { ListAgentsQuery, NotFoundError, Page, AgentVersionView, AgentView, Uuid } from '@agent-platform/contracts';
import { route, type Api } from '@agent-platform/infra';
import { newestFirstPage } from '../cursor.js';
import { ReadYourWritesQuery, type QueryDeps } from '../deps.js';
import { iso } from '../rows.js';

const PROJECTIONS = ['agents'] as const;
const IdParams = z.object({ id: Uuid });

const toAgent = (row: Record<string, unknown>) =>
  AgentView.parse({ ...row, created_time: iso(row.created_time), updated_time: iso(row.updated_time) });
const toVersion = (row: Record<string, unknown>) =>
  AgentVersionView.parse({
    ...row,
    created_time: iso(row.created_time),
    updated_time: iso(row.updated_time),
    published_time: row.published_time ? iso(row.published_time) : null,
  });

export const agentQueries = (api: Api, deps: QueryDeps): void => {
  const notFound = (id: string) => new NotFoundError('AGENT_NOT_FOUND', `agent ${id} does not exist in this workspace`);

  route(api, {
    method: 'get',
    path: '/agents',
    summary: 'List agents, newest first',
    tags: ['agents'],
    query: ListAgentsQuery.extend(ReadYourWritesQuery.shape),
    headers: deps.queryHeaders,
    responses: { 200: { description: 'A page of agents.', schema: Page(AgentView) } },
    errors: [503],
    handler: async ({ query, ctx, req }) => {
      await deps.consistency.awaitPosition(req, PROJECTIONS);
      const q = deps.knex('rm_agents').where({ workspace_id: ctx.workspaceId });
      if (query.agent_type) q.andWhere({ agent_type: query.agent_type });
      if (query.code) q.andWhere({ code: query.code });
      return { status: 200, body: await newestFirstPage(q, query, toAgent) };
    },
  });

  route(api, {
    method: 'get',
    path: '/agents/versions/:id',
    summary: 'Get a agent version',
    tags: ['agents'],
    params: IdParams,
    query: ReadYourWritesQuery,
    headers: deps.queryHeaders,
    responses: { 200: { description: 'The version.', schema: AgentVersionView } },
    errors: [404, 503],
    handler: async ({ params, ctx, req }) => {
      await deps.consistency.awaitPosition(req, PROJECTIONS);
      const row = await deps.knex('rm_agent_versions').where({ workspace_id: ctx.workspaceId, id: params.id }).first();
      if (!row) throw new NotFoundError('AGENT_VERSION_NOT_FOUND', `agent version ${params.id} does not exist in this workspace`);
      return { status: 200, body: toVersion(row) };
    },
  });

  route(api, {
    method: 'get',
    path: '/agents/:id',
    summary: 'Get an agent',
    tags: ['agents'],
    params: IdParams,
    query: ReadYourWritesQuery,
    headers: deps.queryHeaders,
    responses: { 200: { description: 'The agent.', schema: AgentView } },
    errors: [404, 503],
    handler: async ({ params, ctx, req }) => {
      await deps.consistency.awaitPosition(req, PROJECTIONS);
      const row = await deps.knex('rm_agents').where({ workspace_id: ctx.workspaceId, id: params.id }).first();
      if (!row) throw notFound(params.id);
      return { status: 200, body: toAgent(row) };
    },
  });

  route(api, {
    method: 'get',
    path: '/agents/:id/versions',
    summary: "List an agent's versions, newest first",
    tags: ['agents'],
    params: IdParams,
    query: ReadYourWritesQuery,
    headers: deps.queryHeaders,
    responses: { 200: { description: 'Every version of the agent.', schema: z.object({ items: z.array(AgentVersionView) }) } },
    errors: [404, 503],
    handler: async ({ params, ctx, req }) => {
      await deps.consistency.awaitPosition(req, PROJECTIONS);
      if (!(await deps.knex('rm_agents').where({ workspace_id: ctx.workspaceId, id: params.id }).first())) throw notFound(params.id);
      const rows = await deps.knex('rm_agent_versions').where({ workspace_id: ctx.workspaceId, agent_id: params.id }).orderBy('version_no', 'desc');
      return { status: 200, body: { items: rows.map(toVersion) } };
    },
  });
};
