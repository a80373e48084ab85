import { z } from 'zod';
import { AgentRunOutcome, ExecuteAgentRunBody, ExecuteNextAgentRunBody, Uuid } from '@agent-platform/contracts';
import { route, type Api, type Knex, type Reply } from '@agent-platform/infra';
import { agentRunsReader } from '@agent-platform/projectors/readers';
import type { CommandDeps } from '../http.js';
import { isTakenElsewhere, type RunExecutor } from './executor.js';

type ExecutionDeps = CommandDeps & { knex: Knex; executor: RunExecutor; executeWaitMs: number };

const answer = ({ settled, outcome }: { settled: boolean; outcome: AgentRunOutcome }): Reply => ({
  status: settled ? 200 : 202,
  body: outcome,
  headers: settled ? {} : { location: `/agents/runs/${outcome.id}` },
});

/** How many queued runs the claim API tries before it says there is none: the others may be taken meanwhile. */
const CLAIM_CANDIDATES = 10;

export const agentRunExecutionRoutes = (api: Api, deps: ExecutionDeps): void => {
  const options = (body: ExecuteAgentRunBody | ExecuteNextAgentRunBody) => ({
    workerKey: body.worker_key,
    ...(body.dry_run !== undefined ? { dryRun: body.dry_run } : {}),
    ...(body.lease_seconds ? { leaseMs: body.lease_seconds * 1000 } : {}),
    waitMs: body.wait ? deps.executeWaitMs : 0,
  });

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
    handler: async ({ body, ctx }) => {
      for (const id of await agentRunsReader.queuedManualRuns(deps.knex, ctx.workspaceId, CLAIM_CANDIDATES)) {
        try {
          // The read model may lag: a run taken meanwhile is refused by its lease, and the next is tried.
          return answer(await deps.executor.execute(id, ctx.workspaceId, { ...options(body), claim: true }));
        } catch (error) {
          if (!isTakenElsewhere(error)) throw error;
          ctx.log.debug({ agent_run_id: id, code: error.code }, 'queued run taken meanwhile; trying the next');
        }
      }
      return { status: 204, body: undefined };
    },
  });
};
