import { z } from 'zod';
import { JobFireView, ListJobFiresQuery, ListScheduledJobsQuery, NotFoundError, Page, ScheduledJobParams, ScheduledJobView, type ListScheduledJobsQuery as ListQuery } from '@agent-platform/contracts';
import { route, type Api } from '@agent-platform/infra';
import { schedulerReader } from '@agent-platform/projectors/readers';
import { pageAnswer, pageAsked } from '../cursor.js';
import { ReadYourWritesQuery, type QueryDeps } from '../deps.js';

const projections = ['scheduler'] as const;
const notFound = (id: string) => new NotFoundError('SCHEDULED_JOB_NOT_FOUND', `scheduled job ${id} does not exist in this workspace`);

/** Jobs, one job, and its fire history, in the caller's workspace only. */
export const schedulerQueries = (api: Api, deps: QueryDeps): void => {
  route(api, {
    method: 'get',
    path: '/scheduler/jobs',
    summary: 'List scheduled jobs, newest first, by status and job type',
    tags: ['scheduler'],
    query: ListScheduledJobsQuery.extend(ReadYourWritesQuery.shape),
    headers: deps.queryHeaders,
    responses: { 200: { description: 'A page of jobs.', schema: Page(ScheduledJobView) } },
    errors: [503],
    handler: async ({ query, headers, ctx }) => {
      await deps.consistency.awaitPosition({ headers, query }, projections);
      const filter = query as ListQuery;
      return { status: 200, body: pageAnswer(await schedulerReader.listJobs(deps.knex, ctx.workspaceId, { status: filter.status, job_type: filter.job_type }, pageAsked(filter))) };
    },
  });
  route(api, {
    method: 'get',
    path: '/scheduler/jobs/:id',
    summary: 'Get a scheduled job: its schedule, status, next fire time and the fire in flight',
    tags: ['scheduler'],
    params: ScheduledJobParams,
    query: ReadYourWritesQuery,
    headers: deps.queryHeaders,
    responses: { 200: { description: 'The job.', schema: ScheduledJobView } },
    errors: [404, 503],
    handler: async ({ params, query, headers, ctx }) => {
      await deps.consistency.awaitPosition({ headers, query }, projections);
      const job = await schedulerReader.findJob(deps.knex, ctx.workspaceId, params.id);
      if (!job) throw notFound(params.id);
      return { status: 200, body: job };
    },
  });
  route(api, {
    method: 'get',
    path: '/scheduler/jobs/:id/fires',
    summary: "A job's fire history: every slot and attempt, with its outcome",
    tags: ['scheduler'],
    params: ScheduledJobParams,
    query: ListJobFiresQuery.extend(ReadYourWritesQuery.shape),
    headers: deps.queryHeaders,
    responses: { 200: { description: 'The fires, oldest slot first.', schema: z.object({ items: z.array(JobFireView) }) } },
    errors: [404, 503],
    handler: async ({ params, query, headers, ctx }) => {
      await deps.consistency.awaitPosition({ headers, query }, projections);
      if (!(await schedulerReader.findJob(deps.knex, ctx.workspaceId, params.id))) throw notFound(params.id);
      return { status: 200, body: { items: await schedulerReader.listFires(deps.knex, ctx.workspaceId, params.id, query.limit) } };
    },
  });
};
