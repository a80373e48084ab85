import { z } from 'zod';
import { ClaimDueJobsBody, ClaimedJobView, CommandAccepted, ConflictError, JobStatusBody, ScheduledJobParams } from '@agent-platform/contracts';
import { schedulerReader } from '@agent-platform/projectors/readers';
import { route, type Api, type Knex } from '@agent-platform/infra';
import { accepted, type CommandDeps } from '../http.js';
import { sendCommand } from '../handler.js';
import { schedulerDecider } from './decider.js';
import { jobStream } from './routes.js';

export type WorkerRouteDeps = CommandDeps & { knex: Knex; misfireGraceMs: number };

/**
 * The seed's worker API, for jobs created with `dispatch: "external"`: a claim fires the job's due slot
 * for the worker (`ScheduledJobFired`, held until the lease ends), decided on the job's stream like the
 * platform's own fires, so two workers claiming at once never get the same fire; the worker then reports
 * the outcome. A claim whose lease runs out without a report is recorded lost and claimable again.
 */
export const schedulerWorkerRoutes = (api: Api, deps: WorkerRouteDeps): void => {
  route(api, {
    method: 'post',
    path: '/scheduler/jobs/claim-due',
    summary: 'Claim due external jobs for a worker, each with a lease',
    tags: ['scheduler'],
    body: ClaimDueJobsBody,
    responses: { 200: { description: 'The fires this worker now holds, longest due first.', schema: z.object({ items: z.array(ClaimedJobView) }) } },
    handler: async ({ body, ctx }) => {
      const now = new Date();
      // More candidates than asked for: some are taken by a concurrent claim, or not due by their own stream.
      const candidates = await schedulerReader.dueExternalJobs(deps.knex, ctx.workspaceId, now, body.limit * 2);
      const claimed = await Promise.all(
        candidates.map(async (jobId) => {
          try {
            const sent = await sendCommand(
              deps.store,
              schedulerDecider,
              jobStream(jobId),
              {
                type: 'FireScheduledJob',
                data: { job_id: jobId, workspace_id: ctx.workspaceId, now: now.toISOString(), lease_ms: body.lease_seconds * 1000, grace_ms: deps.misfireGraceMs, fired_by: body.worker_key, from_worker: true },
              },
              { workspaceId: ctx.workspaceId, requestId: ctx.requestId, correlationId: ctx.correlationId },
              { retryOnConflict: 1 },
            );
            const state = sent.cursor?.state;
            if (!state || state.status === 'none' || !state.fire || state.fire.firedBy !== body.worker_key) return undefined;
            const { job, fire } = state;
            return ClaimedJobView.parse({
              id: jobId,
              job_type: job.job_type,
              name: job.name,
              payload_json: job.payload_json,
              schedule_time: job.schedule_time,
              cron: job.cron,
              timezone: job.timezone,
              slot: fire.slot,
              attempt: fire.attempt,
              max_attempts: job.max_attempts,
              worker_key: fire.firedBy,
              lease_until: fire.leaseUntil,
            });
          } catch (error) {
            // Claimed by another worker meanwhile, or not due by its stream (the read model lags): not this worker's.
            if (error instanceof ConflictError) return undefined;
            throw error;
          }
        }),
      );
      return { status: 200, body: { items: claimed.filter((c) => c !== undefined).slice(0, body.limit) } };
    },
  });

  route(api, {
    method: 'post',
    path: '/scheduler/jobs/:id/status',
    summary: "Report the outcome of an external job's fire: completed, or failed (retried by its policy)",
    tags: ['scheduler'],
    params: ScheduledJobParams,
    body: JobStatusBody,
    headers: deps.commandHeaders,
    responses: { 202: { description: 'Recorded.', schema: CommandAccepted } },
    errors: [404, 409, 422],
    handler: async ({ params, body, headers, ctx, req }) => {
      const result = await deps.handle(
        schedulerDecider,
        jobStream(params.id),
        {
          type: 'RecordScheduledJobFire',
          data: {
            job_id: params.id,
            workspace_id: ctx.workspaceId,
            now: new Date().toISOString(),
            slot: null,
            attempt: null,
            by: body.worker_key ?? null,
            from_worker: true,
            outcome: body.status === 'completed' ? 'succeeded' : 'failed',
            result_json: body.result_json ?? {},
            error: body.status === 'failed' ? { code: 'SCHEDULED_JOB_WORKER_FAILED', message: body.error ?? 'the worker reported a failure' } : null,
          },
        },
        deps.contextOf(ctx, req, headers, { params, body }),
        { retryOnConflict: 5 },
      );
      return accepted(202, params.id, result);
    },
  });
};
