import { z } from 'zod';
import { ListSessionsQuery, NotFoundError, Page, SessionMessageView, SessionParams, SessionView } from '@agent-platform/contracts';
import { route, type Api, type Knex } from '@agent-platform/infra';
import { ReadYourWritesQuery, type QueryDeps } from '../deps.js';
import { newestFirstPage } from '../cursor.js';
import { messagesPage } from './messagesPage.js';

const PROJECTIONS = ['sessions'] as const;
const ListMessagesQuery = ReadYourWritesQuery.extend({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  after_seq: z.coerce.number().int().min(0).default(0),
});

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

const toSession = (row: Record<string, unknown>) =>
  SessionView.parse({
    ...row,
    created_time: iso(row.created_time as Date),
    updated_time: iso(row.updated_time as Date),
    last_message_time: iso(row.last_message_time as Date | null),
    closed_time: iso(row.closed_time as Date | null),
  });

const getSessionById = async (knex: Knex, workspaceId: string, id: string) => {
  const row = await knex('rm_sessions').where({ workspace_id: workspaceId, id }).first();
  if (!row) throw new NotFoundError('SESSION_NOT_FOUND', `session ${id} does not exist in this workspace`);
  return toSession(row);
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
    handler: async ({ params, ctx, req }) => {
      await deps.consistency.awaitPosition(req, PROJECTIONS);
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
    handler: async ({ query, ctx, req }) => {
      await deps.consistency.awaitPosition(req, PROJECTIONS);
      const q = deps.knex('rm_sessions').where({ workspace_id: ctx.workspaceId });
      if (query.user_id) q.andWhere({ user_id: query.user_id });
      if (query.app_id) q.andWhere({ app_id: query.app_id });
      if (query.status) q.andWhere({ status: query.status });
      return { status: 200, body: await newestFirstPage(q, query, toSession) };
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
    handler: async ({ params, query, ctx, req }) => {
      await deps.consistency.awaitPosition(req, PROJECTIONS);
      await getSessionById(deps.knex, ctx.workspaceId, params.id);
      const page = { afterSeq: query.after_seq, limit: query.limit };
      return { status: 200, body: await messagesPage(deps.knex, { workspaceId: ctx.workspaceId, sessionId: params.id }, page) };
    },
  });
};
