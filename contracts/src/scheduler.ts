import { z } from 'zod';
import { RunError } from './agent-runs.js';
import { defineCommand } from './commands.js';
import { defineDomain } from './domain.js';
import { defineEvent, type EventOf } from './events.js';
import { cronProblem, isTimeZone } from './schedule.js';
import { JOB_PAYLOADS } from './scheduledJobPayloads.js';

/**
 * Scheduled jobs (the seed's scheduler-service): a job fires once at `schedule_time`, or at every slot
 * of its `cron` in its `timezone`. Each fire is recorded on the job's stream as `ScheduledJobFired` for
 * one slot, decided against the stream's version, so however many schedulers run, a slot fires once.
 * Then the fire is dispatched by the job's type (a run, an HTTP call, an integration event), or claimed
 * by an external worker, and its outcome recorded; a failed fire is retried with backoff.
 */
export const SCHEDULER_CATEGORY = 'schedjob';

const Id = z.string().uuid().toLowerCase();
const JsonObject = z.record(z.string(), z.unknown());
export const JobType = z.enum(['agent', 'team', 'skill', 'http', 'event']);
export type JobType = z.infer<typeof JobType>;
/** What a late job does with the slots it missed (while no scheduler ran, or it was busy). */
export const MisfirePolicy = z.enum(['fire_once', 'skip', 'fire_all']);
export type MisfirePolicy = z.infer<typeof MisfirePolicy>;
/** `internal`: the platform's scheduler fires it; `external`: a worker claims it (`POST /scheduler/jobs/claim-due`). */
export const JobDispatch = z.enum(['internal', 'external']);
export type JobDispatch = z.infer<typeof JobDispatch>;
/** `running`: a fire is in flight (dispatching, or claimed by a worker). `skipped`: a one-off job missed under `skip`. */
export const JobStatus = z.enum(['scheduled', 'running', 'paused', 'completed', 'failed', 'cancelled', 'skipped']);
export type JobStatus = z.infer<typeof JobStatus>;
export const JOB_ENDED_STATUSES: readonly JobStatus[] = ['completed', 'failed', 'cancelled', 'skipped'];

const MAX_WINDOW_SECONDS = 7 * 24 * 3600;
export const CreateScheduledJobBody = z
  .object({
    job_type: JobType,
    name: z.string().min(1).max(200),
    schedule_time: z.string().datetime({ offset: true }).optional(),
    cron: z.string().min(1).max(200).optional(),
    timezone: z.string().min(1).max(100).default('UTC'),
    payload_json: JsonObject.default({}),
    max_attempts: z.number().int().min(1).max(20).default(3),
    retry_backoff_seconds: z.number().int().min(0).max(86_400).default(30),
    misfire_policy: MisfirePolicy.default('fire_once'),
    /** `fire_all` catches up the slots of this window before now at most; older ones are skipped. */
    catch_up_window_seconds: z.number().int().min(1).max(MAX_WINDOW_SECONDS).default(3600),
    dispatch: JobDispatch.default('internal'),
  })
  .superRefine((body, ctx) => {
    if ((body.schedule_time === undefined) === (body.cron === undefined)) {
      ctx.addIssue({ code: 'custom', path: [body.cron === undefined ? 'schedule_time' : 'cron'], message: 'give schedule_time or cron, not both' });
    }
    const problem = body.cron !== undefined ? cronProblem(body.cron, body.timezone) : isTimeZone(body.timezone) ? undefined : cronProblem('* * * * *', body.timezone);
    if (problem) ctx.addIssue({ code: 'custom', path: [problem.field], message: problem.message });
    if (body.dispatch === 'internal') {
      const parsed = JOB_PAYLOADS[body.job_type].safeParse(body.payload_json);
      if (!parsed.success) for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', path: ['payload_json', ...issue.path.map(String)], message: issue.message });
    }
  });
export type CreateScheduledJobBody = z.infer<typeof CreateScheduledJobBody>;
export const ScheduledJobParams = z.object({ id: Id });
export const CancelScheduledJobBody = z.object({ reason: z.string().max(4000).optional() });

export const ClaimDueJobsBody = z.object({
  worker_key: z.string().min(1).max(200),
  limit: z.number().int().min(1).max(100).default(20),
  lease_seconds: z.number().int().min(1).max(3600).default(300),
});
export type ClaimDueJobsBody = z.infer<typeof ClaimDueJobsBody>;
export const JobStatusBody = z.object({
  status: z.enum(['completed', 'failed']),
  error: z.string().max(4000).optional(),
  /** When given, the fire must be the one this worker claimed. */
  worker_key: z.string().min(1).max(200).optional(),
  result_json: JsonObject.optional(),
});
export type JobStatusBody = z.infer<typeof JobStatusBody>;
/** A fire as `claim-due` hands it to a worker: the job, the slot it fires and the lease it holds. */
export const ClaimedJobView = z.object({
  id: z.string().uuid(),
  job_type: JobType,
  name: z.string(),
  payload_json: JsonObject,
  schedule_time: z.string().nullable(),
  cron: z.string().nullable(),
  timezone: z.string(),
  slot: z.string(),
  attempt: z.number().int(),
  max_attempts: z.number().int(),
  worker_key: z.string(),
  lease_until: z.string(),
});
export type ClaimedJobView = z.infer<typeof ClaimedJobView>;

/** The schedule as the job's first event records it. */
const JobDefinition = z.object({
  job_id: z.string().uuid(),
  job_type: JobType,
  name: z.string(),
  schedule_time: z.string().nullable(),
  cron: z.string().nullable(),
  timezone: z.string(),
  payload_json: JsonObject,
  max_attempts: z.number().int(),
  retry_backoff_seconds: z.number().int(),
  misfire_policy: MisfirePolicy,
  catch_up_window_seconds: z.number().int(),
  dispatch: JobDispatch,
});
export type JobDefinition = z.infer<typeof JobDefinition>;

const Ref = { job_id: z.string(), workspace_id: z.string() };
/** An external worker's claim or report (over HTTP): only for jobs created with `dispatch: "external"`, as the scheduler fires only the others. */
const FromWorker = { from_worker: z.boolean() };
export const SchedulerCommand = z.discriminatedUnion('type', [
  defineCommand('CreateScheduledJob', JobDefinition.omit({ job_id: true }).extend({ ...Ref, now: z.string() })),
  defineCommand('PauseScheduledJob', z.object(Ref)),
  defineCommand('ResumeScheduledJob', z.object({ ...Ref, now: z.string() })),
  defineCommand('CancelScheduledJob', z.object({ ...Ref, reason: z.string().nullable() })),
  /**
   * Fire what is due at `now`: a retry whose time came, or the next slot (by the misfire policy when it is
   * later than `grace_ms`). A fire whose lease ran out without an outcome is recorded failed first.
   */
  defineCommand(
    'FireScheduledJob',
    z.object({ ...Ref, now: z.string(), lease_ms: z.number().int().positive(), grace_ms: z.number().int().min(0), fired_by: z.string(), ...FromWorker }),
  ),
  /** The outcome of the fire in flight; `slot`/`attempt`/`by` (when given) must be that fire's. */
  defineCommand(
    'RecordScheduledJobFire',
    z.object({
      ...Ref,
      now: z.string(),
      slot: z.string().nullable(),
      attempt: z.number().int().nullable(),
      by: z.string().nullable(),
      ...FromWorker,
      outcome: z.enum(['succeeded', 'failed']),
      result_json: JsonObject,
      error: RunError.nullable(),
    }),
  ),
]);
export type SchedulerCommand = z.infer<typeof SchedulerCommand>;

const meta = (description: string) => ({ category: SCHEDULER_CATEGORY, description });
const Slot = { job_id: z.string().uuid(), slot: z.string(), attempt: z.number().int().positive() };
export const ScheduledJobCreated = defineEvent(
  'ScheduledJobCreated',
  JobDefinition.extend({ next_fire_time: z.string().nullable() }),
  meta('A job was scheduled: once at `schedule_time`, or at every slot of `cron` in `timezone`; `next_fire_time` is its first slot.'),
);
export const ScheduledJobFired = defineEvent(
  'ScheduledJobFired',
  z.object({ ...Slot, fired_at: z.string(), lease_until: z.string(), fired_by: z.string() }),
  meta('A slot of the job fired (attempt `attempt`), once per slot and attempt, by the scheduler or the external worker (`fired_by`) that holds it until `lease_until`: recorded before an HTTP call or a worker\'s work, and with its outcome for effects keyed by the slot.'),
);
export const ScheduledJobFireSucceeded = defineEvent(
  'ScheduledJobFireSucceeded',
  z.object({ ...Slot, result_json: JsonObject, next_fire_time: z.string().nullable() }),
  meta('The fire was dispatched (or the worker completed it); `next_fire_time` is the next slot, null when the job is done.'),
);
export const ScheduledJobFireFailed = defineEvent(
  'ScheduledJobFireFailed',
  z.object({ ...Slot, error: RunError, retry_at: z.string().nullable(), next_fire_time: z.string().nullable() }),
  meta('The fire failed (or its lease ran out, `SCHEDULED_FIRE_LOST`); it is retried at `retry_at`, or, out of attempts, the job moves to `next_fire_time` (a one-off job fails).'),
);
export const ScheduledJobSlotsSkipped = defineEvent(
  'ScheduledJobSlotsSkipped',
  z.object({ job_id: z.string().uuid(), from_slot: z.string(), to_slot: z.string(), next_fire_time: z.string().nullable() }),
  meta('Slots from `from_slot` to `to_slot` were missed and will not fire, by the misfire policy (`skip`, `fire_once`, or `fire_all` beyond its window).'),
);
export const ScheduledJobPaused = defineEvent('ScheduledJobPaused', z.object({ job_id: z.string().uuid() }), meta('A recurring job stopped firing until it is resumed.'));
export const ScheduledJobResumed = defineEvent(
  'ScheduledJobResumed',
  z.object({ job_id: z.string().uuid(), next_fire_time: z.string().nullable() }),
  meta('A paused job fires again from its first slot after the resume; the slots of the pause are not caught up.'),
);
export const ScheduledJobCancelled = defineEvent(
  'ScheduledJobCancelled',
  z.object({ job_id: z.string().uuid(), reason: z.string().nullable() }),
  meta('The job was withdrawn: no slot fires any more (a fire in flight still records its outcome).'),
);
export const schedulerEvents = [
  ScheduledJobCreated,
  ScheduledJobFired,
  ScheduledJobFireSucceeded,
  ScheduledJobFireFailed,
  ScheduledJobSlotsSkipped,
  ScheduledJobPaused,
  ScheduledJobResumed,
  ScheduledJobCancelled,
] as const;
export type SchedulerEvent = EventOf<(typeof schedulerEvents)[number]>;

/** A fire as the history lists it: `fired` while in flight. */
export const JobFireView = z.object({
  slot: z.string(),
  attempt: z.number().int(),
  status: z.enum(['fired', 'succeeded', 'failed']),
  fired_by: z.string(),
  fired_at: z.string(),
  lease_until: z.string(),
  ended_at: z.string().nullable(),
  result_json: JsonObject.nullable(),
  error: RunError.nullable(),
  retry_at: z.string().nullable(),
});
export type JobFireView = z.infer<typeof JobFireView>;
export const ScheduledJobView = JobDefinition.omit({ job_id: true }).extend({
  id: z.string().uuid(),
  workspace_id: z.string(),
  status: JobStatus,
  next_fire_time: z.string().nullable(),
  retry_at: z.string().nullable(),
  /** The fire in flight: its slot, attempt, holder and lease. */
  current_fire: z.object({ slot: z.string(), attempt: z.number().int(), fired_by: z.string(), lease_until: z.string() }).nullable(),
  fire_count: z.number().int(),
  last_fired_slot: z.string().nullable(),
  last_error: RunError.nullable(),
  created_time: z.string(),
  updated_time: z.string(),
});
export type ScheduledJobView = z.infer<typeof ScheduledJobView>;
export const ListScheduledJobsQuery = z.object({
  status: JobStatus.optional(),
  job_type: JobType.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().optional(),
});
export type ListScheduledJobsQuery = z.infer<typeof ListScheduledJobsQuery>;
export const ListJobFiresQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) });

export const schedulerDomain = defineDomain({ name: 'scheduler', events: schedulerEvents, projections: ['scheduler'] });
