import { z } from 'zod';
import { CommandAccepted, Uuid, type DomainEvent } from '@agent-platform/contracts';
import { route, type Api } from '@agent-platform/infra';
import type { Decider } from './decider.js';
import { accepted, type CommandDeps } from './http.js';

type CancelledRun<S, C, E extends DomainEvent> = {
  /** Where the kind's runs are (`/agents/runs`): the route is `<runsPath>/:id/cancel`. */
  runsPath: string;
  summary: string;
  tags: string[];
  decider: Decider<S, C, E>;
  stream: (runId: string) => string;
  /** The kind's cancel command. */
  cancel: (runId: string, workspaceId: string, reason: string | undefined) => C;
};

/**
 * `POST <runsPath>/:id/cancel`, for every kind of durable run: the kind's cancel command on the run's
 * stream, decided again when the run's worker appended a step meanwhile, which is no conflict of the caller's.
 */
export const cancelRunRoute = <S, C, E extends DomainEvent>(api: Api, deps: CommandDeps, run: CancelledRun<S, C, E>): void =>
  route(api, {
    method: 'post',
    path: `${run.runsPath}/:id/cancel`,
    summary: run.summary,
    tags: run.tags,
    params: z.object({ id: Uuid }),
    body: z.object({ reason: z.string().max(2000).optional() }),
    headers: deps.commandHeaders,
    responses: { 202: { description: 'Cancelled.', schema: CommandAccepted } },
    errors: [404, 409, 422],
    handler: async ({ params, body, headers, ctx, req }) => {
      const result = await deps.handle(run.decider, run.stream(params.id), run.cancel(params.id, ctx.workspaceId, body.reason), deps.contextOf(ctx, req, headers, { params, body }), {
        retryOnConflict: 5,
      });
      return accepted(202, params.id, result);
    },
  });
