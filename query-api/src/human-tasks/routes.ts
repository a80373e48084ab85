import { z } from 'zod';
import { HumanTaskDetail, HumanTaskView, ListHumanTasksQuery, NotFoundError, Page, Uuid } from '@agent-platform/contracts';
import { route, type Api } from '@agent-platform/infra';
import { humanTasksReader } from '@agent-platform/projectors/readers';
import { pageAnswer, pageAsked } from '../cursor.js';
import { ReadYourWritesQuery, type QueryDeps } from '../deps.js';

const projections = ['human-tasks'] as const;

/** The workspace's human tasks: the list, filtered and newest first, and each task with its history. */
export const humanTaskQueries = (api: Api, deps: QueryDeps): void => {
  route(api, {
    method: 'get',
    path: '/human/tasks',
    summary: 'List human tasks, newest first; filter by status, assignee or run',
    tags: ['human tasks'],
    query: ListHumanTasksQuery.extend(ReadYourWritesQuery.shape),
    headers: deps.queryHeaders,
    responses: { 200: { description: 'A page of human tasks.', schema: Page(HumanTaskView) } },
    errors: [503],
    handler: async ({ query, headers, ctx }) => {
      await deps.consistency.awaitPosition({ headers, query }, projections);
      return { status: 200, body: pageAnswer(await humanTasksReader.listTasks(deps.knex, ctx.workspaceId, query, pageAsked(query))) };
    },
  });
  route(api, {
    method: 'get',
    path: '/human/tasks/:id',
    summary: 'Get a human task with its history: who claimed, released, answered or cancelled it, and when',
    tags: ['human tasks'],
    params: z.object({ id: Uuid }),
    query: ReadYourWritesQuery,
    headers: deps.queryHeaders,
    responses: { 200: { description: 'The task and its history, oldest first.', schema: HumanTaskDetail } },
    errors: [404, 503],
    handler: async ({ params, query, headers, ctx }) => {
      await deps.consistency.awaitPosition({ headers, query }, projections);
      const task = await humanTasksReader.findTask(deps.knex, ctx.workspaceId, params.id);
      if (!task) throw new NotFoundError('HUMAN_TASK_NOT_FOUND', `human task ${params.id} does not exist in this workspace`);
      return { status: 200, body: task };
    },
  });
};
