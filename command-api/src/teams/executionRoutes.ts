import { z } from 'zod';
import { ExecuteNextTeamRunBody, ExecuteTeamRunBody, TeamRunOutcome, Uuid } from '@agent-platform/contracts';
import { route, type Api, type Knex } from '@agent-platform/infra';
import { teamRunsReader } from '@agent-platform/projectors/readers';
import type { CommandDeps } from '../http.js';
import { CLAIM_CANDIDATES, claimNext, executeOptionsOf, executionReply } from '../runExecution.js';
import { isTeamRunTakenElsewhere, type TeamRunExecutor } from './executor.js';

type ExecutionDeps = CommandDeps & { knex: Knex; executor: TeamRunExecutor; executeWaitMs: number };

export const teamRunExecutionRoutes = (api: Api, deps: ExecutionDeps): void => {
  const options = (body: ExecuteTeamRunBody | ExecuteNextTeamRunBody) => executeOptionsOf(body, deps.executeWaitMs);
  const answer = (executed: { settled: boolean; outcome: TeamRunOutcome }) => executionReply('/teams/runs', executed);

  route(api, {
    method: 'post',
    path: '/teams/runs/:id/execute',
    summary: 'Execute a team run now and wait (bounded) until it ends or waits for a person; with "wait": false answer 202 at once',
    description:
      'A team run nobody holds is leased to `worker_key` and orchestrated from this process: one agent run per member step, ' +
      'each a dry run when `dry_run` is true. 200 when the team run settled within the wait, else 202 with where it stands ' +
      '(poll `GET /teams/runs/:id` or follow `/teams/runs/:id/stream`).',
    tags: ['team runs'],
    params: z.object({ id: Uuid }),
    body: ExecuteTeamRunBody,
    responses: {
      200: { description: 'The team run ended (or waits for a person).', schema: TeamRunOutcome },
      202: { description: 'The team run is still going.', schema: TeamRunOutcome },
    },
    errors: [404, 422],
    handler: async ({ params, body, ctx }) => answer(await deps.executor.execute(params.id, ctx.workspaceId, options(body))),
  });

  route(api, {
    method: 'post',
    path: '/teams/workers/execute-next',
    summary: 'Claim and execute the oldest queued team run created without auto_execute (the team worker claim API)',
    description: '204 when no such team run is queued in the workspace.',
    tags: ['team runs'],
    body: ExecuteNextTeamRunBody,
    responses: {
      200: { description: 'The team run it executed, which ended.', schema: TeamRunOutcome },
      202: { description: 'The team run it took, still going.', schema: TeamRunOutcome },
      204: { description: 'No team run is waiting.' },
    },
    errors: [422],
    handler: async ({ body, ctx }) =>
      claimNext(
        await teamRunsReader.queuedManualRuns(deps.knex, ctx.workspaceId, CLAIM_CANDIDATES),
        async (id) => answer(await deps.executor.execute(id, ctx.workspaceId, { ...options(body), claim: true })),
        isTeamRunTakenElsewhere,
        ctx.log,
      ),
  });
};
