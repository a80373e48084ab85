import { randomUUID } from 'node:crypto';
import { CancelScheduledJobBody, CommandAccepted, CreateScheduledJobBody, SCHEDULER_CATEGORY, ScheduledJobParams, streamId } from '@agent-platform/contracts';
import { route, type Api } from '@agent-platform/infra';
import { accepted, type CommandDeps } from '../http.js';
import { schedulerDecider } from './decider.js';

export const jobStream = (id: string) => streamId(SCHEDULER_CATEGORY, id);

/** Creating, cancelling, pausing and resuming jobs; firing is the scheduler's (and the external workers', `workerRoutes`). */
export const schedulerRoutes = (api: Api, deps: CommandDeps): void => {
  route(api, {
    method: 'post',
    path: '/scheduler/jobs',
    summary: 'Schedule a job: once at schedule_time, or at every slot of a cron pattern in a time zone',
    tags: ['scheduler'],
    body: CreateScheduledJobBody,
    headers: deps.commandHeaders,
    responses: { 201: { description: 'Scheduled; `id` is the job id.', schema: CommandAccepted } },
    errors: [422],
    handler: async ({ body, headers, ctx, req }) => {
      const id = randomUUID();
      const { schedule_time, cron, ...rest } = body;
      const result = await deps.handle(
        schedulerDecider,
        jobStream(id),
        { type: 'CreateScheduledJob', data: { ...rest, schedule_time: schedule_time ?? null, cron: cron ?? null, job_id: id, workspace_id: ctx.workspaceId, now: new Date().toISOString() } },
        deps.contextOf(ctx, req, headers, body),
        { newStream: true },
      );
      return accepted(201, (result.events[0]?.data as { job_id?: string } | undefined)?.job_id ?? id, result);
    },
  });

  route(api, {
    method: 'post',
    path: '/scheduler/jobs/:id/cancel',
    summary: 'Cancel a job: no slot of it fires any more',
    tags: ['scheduler'],
    params: ScheduledJobParams,
    body: CancelScheduledJobBody,
    headers: deps.commandHeaders,
    responses: { 202: { description: 'Cancelled.', schema: CommandAccepted } },
    errors: [404, 409, 422],
    handler: async ({ params, body, headers, ctx, req }) => {
      const result = await deps.handle(
        schedulerDecider,
        jobStream(params.id),
        { type: 'CancelScheduledJob', data: { job_id: params.id, workspace_id: ctx.workspaceId, reason: body.reason ?? null } },
        deps.contextOf(ctx, req, headers, { params, body }),
        { retryOnConflict: 5 },
      );
      return accepted(202, params.id, result);
    },
  });

  for (const action of ['pause', 'resume'] as const) {
    route(api, {
      method: 'post',
      path: `/scheduler/jobs/:id/${action}`,
      summary: action === 'pause' ? 'Pause a recurring job' : 'Resume a paused job from its first slot after now',
      tags: ['scheduler'],
      params: ScheduledJobParams,
      headers: deps.commandHeaders,
      responses: { 202: { description: action === 'pause' ? 'Paused.' : 'Resumed.', schema: CommandAccepted } },
      errors: [404, 409, 422],
      handler: async ({ params, headers, ctx, req }) => {
        const ref = { job_id: params.id, workspace_id: ctx.workspaceId };
        const result = await deps.handle(
          schedulerDecider,
          jobStream(params.id),
          action === 'pause' ? { type: 'PauseScheduledJob', data: ref } : { type: 'ResumeScheduledJob', data: { ...ref, now: new Date().toISOString() } },
          deps.contextOf(ctx, req, headers, { params }),
          { retryOnConflict: 5 },
        );
        return accepted(202, params.id, result);
      },
    });
  }
};
