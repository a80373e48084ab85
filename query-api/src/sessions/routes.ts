import { z } from 'zod';
import { ListSessionsQuery, NotFoundError, Page, SessionMessageView, SessionParams, SessionView } from '@agent-platform/contracts';
import { route, type Api, type Knex } from '@agent-platform/infra';
import { sessionsReader } from '@agent-platform/projectors/readers';
import { ReadYourWritesQuery, type QueryDeps } from '../deps.js';
import { pageAnswer, pageAsked } from '../cursor.js';

const PROJECTIONS = ['sessions'] as const;
const ListMessagesQuery = ReadYourWritesQuery.extend({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  after_seq: z.coerce.number().int().min(0).default(0),
});

const getSessionById = async (knex: Knex, workspaceId: string, id: string) => {
  const session = await sessionsReader.findSession(knex, workspaceId, id);
  if (!session) throw new NotFoundError('SESSION_NOT_FOUND', `session ${id} does not exist in this workspace`);
  return session;
};

export const sessionQueries = (api: Api, deps: QueryDeps): void => {
  route(api, {
    method: 'get',
    path: '/sessions/:id',
    summary: 'Get a session',
    tags: ['sessions'],
    params: SessionParams,
    query: ReadYourWritesQuery,
    headers: deps.queryHeaders,
    responses: { 200: { description: 'The session.', schema: SessionView } },
    errors: [404, 503],
    handler: async ({ params, query, headers, ctx }) => {
      await deps.consistency.awaitPosition({ headers, query }, PROJECTIONS);
      return { status: 200, body: await getSessionById(deps.knex, ctx.workspaceId, params.id) };
    },
  });

  route(api, {
    method: 'get',
    path: '/sessions',
    summary: 'List sessions, newest first',
    tags: ['sessions'],
    query: ListSessionsQuery.extend(ReadYourWritesQuery.shape),
    headers: deps.queryHeaders,
    responses: { 200: { description: 'A page of sessions; pass `next_cursor` as `cursor` for the next.', schema: Page(SessionView) } },
    errors: [503],
    handler: async ({ query, headers, ctx }) => {
      await deps.consistency.awaitPosition({ headers, query }, PROJECTIONS);
      const page = await sessionsReader.listSessions(deps.knex, ctx.workspaceId, query, pageAsked(query));
      return { status: 200, body: pageAnswer(page) };
    },
  });

  route(api, {
    method: 'get',
    path: '/sessions/:id/messages',
    summary: "List a session's messages in order",
    tags: ['sessions'],
    params: SessionParams,
    query: ListMessagesQuery,
    headers: deps.queryHeaders,
    responses: {
      200: {
        description: 'A page of messages: at most `limit`, and none more once it holds 4 MB (at least one). Pass `next_cursor` as `after_seq` for the next.',
        schema: Page(SessionMessageView),
      },
    },
    errors: [404, 503],
    handler: async ({ params, query, headers, ctx }) => {
      await deps.consistency.awaitPosition({ headers, query }, PROJECTIONS);
      await getSessionById(deps.knex, ctx.workspaceId, params.id);
      const page = { afterSeq: query.after_seq, limit: query.limit };
      return { status: 200, body: await sessionsReader.messagesPage(deps.knex, { workspaceId: ctx.workspaceId, sessionId: params.id }, page) };
    },
  });
};
