import { z } from 'zod';
import { AgentRunView, ListAgentRunsQuery, NotFoundError, Page, ToolInvocationView, Uuid } from '@agent-platform/contracts';
import { route, type Api, type Knex } from '@agent-platform/infra';
import { newestFirstPage } from '../cursor.js';
import { ReadYourWritesQuery, type QueryDeps } from '../deps.js';
import { iso } from '../rows.js';
import { agentRunStream } from './stream.js';

const PROJECTIONS = ['agent-runs'];
const RunParams = z.object({ id: Uuid });

const isoOrNull = (value: unknown): string | null => (value ? iso(value) : null);

const toRun = (row: Record<string, unknown>) =>
  AgentRunView.parse({
    ...row,
    created_time: iso(row.created_time),
    updated_time: iso(row.updated_time),
    started_time: isoOrNull(row.started_time),
    finished_time: isoOrNull(row.finished_time),
    lease_expires_at: isoOrNull(row.lease_expires_at),
  });

const toInvocation = (row: Record<string, unknown>) =>
  ToolInvocationView.parse({
    ...row,
    created_time: iso(row.created_time),
    started_time: isoOrNull(row.started_time),
    finished_time: isoOrNull(row.finished_time),
  });

const getAgentRunById = async (knex: Knex, workspaceId: string, id: string) => {
  const row = await knex('rm_agent_runs').where({ workspace_id: workspaceId, id }).first();
  if (!row) throw new NotFoundError('AGENT_RUN_NOT_FOUND', `agent run ${id} does not exist in this workspace`);
  return toRun(row);
};

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
    params: RunParams,
    query: ReadYourWritesQuery,
    headers: deps.queryHeaders,
    responses: { 200: { description: 'The run.', schema: AgentRunView } },
    errors: [404, 503],
    handler: async ({ params, ctx, req }) => {
      await deps.consistency.awaitPosition(req, PROJECTIONS);
      return { status: 200, body: await getAgentRunById(deps.knex, ctx.workspaceId, params.id) };
    },
  });

  route(api, {
    method: 'get',
    path: '/agents/runs/:id/tool-invocations',
    summary: "List a run's tool invocations in the order the run made them",
    description:
      'Every invocation of the run, by step, then by when it was first recorded: its input, output or error, attempts and times. ' +
      'A run makes a bounded number of calls, so the list is never paged: `next_cursor` is always null. ' +
      'A skipped invocation gives its reason as `error` with the code `SKIPPED`.',
    tags: ['agent runs'],
    params: RunParams,
    query: ReadYourWritesQuery,
    headers: deps.queryHeaders,
    responses: { 200: { description: "The run's invocations.", schema: Page(ToolInvocationView) } },
    errors: [404, 503],
    handler: async ({ params, ctx, req }) => {
      await deps.consistency.awaitPosition(req, PROJECTIONS);
      await getAgentRunById(deps.knex, ctx.workspaceId, params.id);
      const rows = await deps
        .knex('rm_agent_tool_invocations')
        .where({ workspace_id: ctx.workspaceId, run_id: params.id })
        .orderBy([{ column: 'step' }, { column: 'created_time' }, { column: 'id' }]);
      return { status: 200, body: { items: rows.map(toInvocation), next_cursor: null } };
    },
  });

  agentRunStream(api, deps);
};
