import { DeadLetterView, ListDeadLettersQuery, NotFoundError, Page, Uuid } from '@agent-platform/contracts';
import { route, type Api } from '@agent-platform/infra';
import { deadLettersReader } from '@agent-platform/projectors/readers';
import { z } from 'zod';
import { pageAnswer, pageAsked } from '../cursor.js';
import { ReadYourWritesQuery, type QueryDeps } from '../deps.js';

const PROJECTIONS = ['dead-letters'] as const;

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
    handler: async ({ query, headers, ctx }) => {
      await deps.consistency.awaitPosition({ headers, query }, PROJECTIONS);
      const page = await deadLettersReader.listDeadLetters(deps.knex, ctx.workspaceId, query, pageAsked(query));
      return { status: 200, body: pageAnswer(page) };
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
    handler: async ({ params, query, headers, ctx }) => {
      await deps.consistency.awaitPosition({ headers, query }, PROJECTIONS);
      const deadLetter = await deadLettersReader.findDeadLetter(deps.knex, ctx.workspaceId, params.id);
      if (!deadLetter) throw new NotFoundError('DEAD_LETTER_NOT_FOUND', `dead letter ${params.id} does not exist in this workspace`);
      return { status: 200, body: deadLetter };
    },
  });
};
