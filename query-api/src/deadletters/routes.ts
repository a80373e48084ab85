import { DeadLetterView, ListDeadLettersQuery, NotFoundError, Page, Uuid } from '@agent-platform/contracts';
import { route, type Api } from '@agent-platform/infra';
import { z } from 'zod';
import { newestFirstPage } from '../cursor.js';
import { ReadYourWritesQuery, type QueryDeps } from '../deps.js';

const PROJECTIONS = ['dead-letters'] as const;

const toView = (row: Record<string, unknown>) =>
  DeadLetterView.parse({
    ...row,
    created_time: (row.created_time as Date).toISOString(),
    updated_time: (row.updated_time as Date).toISOString(),
  });

export const deadLetterQueries = (api: Api, deps: QueryDeps): void => {
  route(api, {
    method: 'get',
    path: '/dead-letters',
    summary: 'Events a consumer group gave up on, newest first',
    tags: ['dead letters'],
    query: ListDeadLettersQuery.extend(ReadYourWritesQuery.shape),
    headers: deps.queryHeaders,
    responses: { 200: { description: 'A page of dead letters.', schema: Page(DeadLetterView) } },
    errors: [503],
    handler: async ({ query, ctx, req }) => {
      await deps.consistency.awaitPosition(req, PROJECTIONS);
      const q = deps.knex('rm_dead_letters').where({ workspace_id: ctx.workspaceId });
      if (query.status) q.andWhere({ status: query.status });
      if (query.consumer_group) q.andWhere({ consumer_group: query.consumer_group });
      return { status: 200, body: await newestFirstPage(q, query, toView) };
    },
  });

  route(api, {
    method: 'get',
    path: '/dead-letters/:id',
    summary: 'One dead letter, with the error that ended its attempts',
    tags: ['dead letters'],
    params: z.object({ id: Uuid }),
    query: ReadYourWritesQuery,
    headers: deps.queryHeaders,
    responses: { 200: { description: 'The dead letter.', schema: DeadLetterView } },
    errors: [404, 503],
    handler: async ({ params, ctx, req }) => {
      await deps.consistency.awaitPosition(req, PROJECTIONS);
      const row = await deps.knex('rm_dead_letters').where({ workspace_id: ctx.workspaceId, id: params.id }).first();
      if (!row) throw new NotFoundError('DEAD_LETTER_NOT_FOUND', `dead letter ${params.id} does not exist in this workspace`);
      return { status: 200, body: toView(row) };
    },
  });
};
