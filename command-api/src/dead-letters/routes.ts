import { CommandAccepted, DEAD_LETTERS_CATEGORY, streamId, Uuid } from '@agent-platform/contracts';
import { route, type Api } from '@agent-platform/infra';
import { z } from 'zod';
import { accepted, type CommandDeps } from '../http.js';
import { deadLetterDecider } from './decider.js';

export const deadLetterRoutes = (api: Api, deps: CommandDeps): void => {
  route(api, {
    method: 'post',
    path: '/dead-letters/:id/retry',
    summary: 'Hand a dead-lettered event to its consumer group again',
    tags: ['dead letters'],
    params: z.object({ id: Uuid }),
    headers: deps.commandHeaders,
    responses: { 202: { description: 'Re-queued; the dead letter is `retrying` until its group handled it.', schema: CommandAccepted } },
    errors: [404, 409, 422],
    handler: async ({ params, headers, ctx, req }) => {
      const result = await deps.handle(
        deadLetterDecider,
        streamId(DEAD_LETTERS_CATEGORY, params.id),
        { type: 'RequestDeadLetterRetry', data: { dead_letter_id: params.id, workspace_id: ctx.workspaceId } },
        deps.contextOf(ctx, req, headers, { params }),
      );
      return accepted(202, params.id, result);
    },
  });
};
