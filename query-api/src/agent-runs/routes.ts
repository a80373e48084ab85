import { z } from 'zod';
import { AgentRunView, ListAgentRunsQuery, NotFoundError, Page, Uuid } from '@agent-platform/contracts';
import { route, type Api } from '@agent-platform/infra';
import { newestFirstPage } from '../cursor.js';
import { ReadYourWritesQuery, type QueryDeps } from '../deps.js';
import { iso } from '../rows.js';

const PROJECTIONS = ['agent-runs'];

const toRun = (row: Record<string, unknown>) =>
  AgentRunView.parse({
    ...row,
    created_time: iso(row.created_time),
    updated_time: iso(row.updated_time),
    started_time: row.started_time ? iso(row.started_time) : null,
    finished_time: row.finished_time ? iso(row.finished_time) : null,
  });

/** Registered before the agents' own routes: `/agents/:id` would take `runs` for an agent id. */
export const agentRunQueries = (api: Api, deps: QueryDeps): void => {
  route(api, {
    method: 'get',
    path: '/agents/runs',
    summary: 'List agent runs, newest first',
    tags: ['agent runs'],
    query: ListAgentRunsQuery.extend(ReadYourWritesQuery.shape),
    headers: deps.queryHeaders,
    responses: { 200: { description: 'A page of runs.', schema: Page(AgentRunView) } },
    errors: [503],
    handler: async ({ query, ctx, req }) => {
      await deps.consistency.awaitPosition(req, PROJECTIONS);
      const q = deps.knex('rm_agent_runs').where({ workspace_id: ctx.workspaceId });
      for (const field of ['agent_id', 'session_id', 'status'] as const) if (query[field]) q.andWhere({ [field]: query[field] });
      return { status: 200, body: await newestFirstPage(q, query, toRun) };
    },
  });

  route(api, {
    method: 'get',
    path: '/agents/runs/:id',
    summary: 'Get an agent run: its status, answer, error and token usage',
    tags: ['agent runs'],
    params: z.object({ id: Uuid }),
    query: ReadYourWritesQuery,
    headers: deps.queryHeaders,
    responses: { 200: { description: 'The run.', schema: AgentRunView } },
    errors: [404, 503],
    handler: async ({ params, ctx, req }) => {
      await deps.consistency.awaitPosition(req, PROJECTIONS);
      const row = await deps.knex('rm_agent_runs').where({ workspace_id: ctx.workspaceId, id: params.id }).first();
      if (!row) throw new NotFoundError('AGENT_RUN_NOT_FOUND', `agent run ${params.id} does not exist in this workspace`);
      return { status: 200, body: toRun(row) };
    },
  });
};
