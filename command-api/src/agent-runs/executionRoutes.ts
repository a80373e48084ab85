import { z } from 'zod';
import { AgentRunOutcome, ExecuteAgentRunBody, ExecuteNextAgentRunBody, Uuid } from '@agent-platform/contracts';
import { route, type Api, type Knex } from '@agent-platform/infra';
import { agentRunsReader } from '@agent-platform/projectors/readers';
import type { CommandDeps } from '../http.js';
import { CLAIM_CANDIDATES, claimNext, executeOptionsOf, executionReply } from '../runExecution.js';
import { isTakenElsewhere, type RunExecutor } from './executor.js';

type ExecutionDeps = CommandDeps & { knex: Knex; executor: RunExecutor; executeWaitMs: number };

export const agentRunExecutionRoutes = (api: Api, deps: ExecutionDeps): void => {
  const options = (body: ExecuteAgentRunBody | ExecuteNextAgentRunBody) => executeOptionsOf(body, deps.executeWaitMs);
  const answer = (executed: { settled: boolean; outcome: AgentRunOutcome }) => executionReply('/agents/runs', executed);

  route(api, {
    method: 'post',
    path: '/agents/runs/:id/execute',
    summary: 'Execute a run now and wait (bounded) until it ends or waits for a human; with "wait": false answer 202 at once',
    description:
      'A run nobody holds is leased to `worker_key` and executed in this process; a run another worker holds is waited for. ' +
      '200 when the run settled within the wait, else 202 with where it stands (poll `GET /agents/runs/:id` or follow `/agents/runs/:id/stream`).',
    tags: ['agent runs'],
    params: z.object({ id: Uuid }),
    body: ExecuteAgentRunBody,
    responses: {
      200: { description: 'The run ended (or waits for a human).', schema: AgentRunOutcome },
      202: { description: 'The run is still going.', schema: AgentRunOutcome },
    },
    errors: [404, 422],
    handler: async ({ params, body, ctx }) =>
      answer(await deps.executor.execute(params.id, ctx.workspaceId, options(body))),
  });

  route(api, {
    method: 'post',
    path: '/agents/workers/execute-next',
    summary: 'Claim and execute the oldest queued run created with auto_execute: false (the worker claim API)',
    description: '204 when no such run is queued in the workspace.',
    tags: ['agent runs'],
    body: ExecuteNextAgentRunBody,
    responses: {
      200: { description: 'The run it executed, which ended.', schema: AgentRunOutcome },
      202: { description: 'The run it took, still going.', schema: AgentRunOutcome },
      204: { description: 'No run is waiting.' },
    },
    errors: [422],
    handler: async ({ body, ctx }) =>
      claimNext(
        await agentRunsReader.queuedManualRuns(deps.knex, ctx.workspaceId, CLAIM_CANDIDATES),
        async (id) => answer(await deps.executor.execute(id, ctx.workspaceId, { ...options(body), claim: true })),
        isTakenElsewhere,
        ctx.log,
      ),
  });
};
