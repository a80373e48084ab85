import { z } from 'zod';
import { AgentRunView, ListAgentRunsQuery, NotFoundError, Page, ToolInvocationView, Uuid } from '@agent-platform/contracts';
import { route, type Api, type Knex } from '@agent-platform/infra';
import { agentRunsReader } from '@agent-platform/projectors/readers';
import { pageAnswer, pageAsked } from '../cursor.js';
import { ReadYourWritesQuery, type QueryDeps } from '../deps.js';
import { readRuns } from './citedReads.js';
import { agentRunStream } from './stream.js';

const PROJECTIONS = ['agent-runs'] as const;
const RunParams = z.object({ id: Uuid });


const getAgentRunById = async (knex: Knex, workspaceId: string, id: string) => {
  const run = await agentRunsReader.findRun(knex, workspaceId, id);
  if (!run) throw new NotFoundError('AGENT_RUN_NOT_FOUND', `agent run ${id} does not exist in this workspace`);
  return run;
};

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
    handler: async ({ query, headers, ctx }) => {
      const page = await readRuns(deps, { headers, query }, () => agentRunsReader.listRuns(deps.knex, ctx.workspaceId, query, pageAsked(query)), (p) => p.items);
      return { status: 200, body: pageAnswer(page) };
    },
  });

  route(api, {
    method: 'get',
    path: '/agents/runs/:id',
    summary: 'Get an agent run: its status, answer, error, token usage, and the knowledge chunks it cites',
    tags: ['agent runs'],
    params: RunParams,
    query: ReadYourWritesQuery,
    headers: deps.queryHeaders,
    responses: { 200: { description: 'The run.', schema: AgentRunView } },
    errors: [404, 503],
    handler: async ({ params, query, headers, ctx }) => {
      return { status: 200, body: await readRuns(deps, { headers, query }, () => getAgentRunById(deps.knex, ctx.workspaceId, params.id), (run) => [run]) };
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
    handler: async ({ params, query, headers, ctx }) => {
      await deps.consistency.awaitPosition({ headers, query }, PROJECTIONS);
      await getAgentRunById(deps.knex, ctx.workspaceId, params.id);
      return { status: 200, body: { items: await agentRunsReader.toolInvocationsOf(deps.knex, ctx.workspaceId, params.id), next_cursor: null } };
    },
  });

  agentRunStream(api, deps);
};
