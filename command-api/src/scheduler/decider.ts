import {
  ConflictError,
  NotFoundError,
  ValidationError,
  type JobStatus,
  type SchedulerCommand,
  type SchedulerEvent,
} from '@agent-platform/contracts';
import type { Decider, Evolvable } from '../decider.js';
import { firstSlot, nextAfter, retryAt, whatIsDue } from './slots.js';
import type { ExistingJob, ScheduledJobState } from './state.js';

export type { ExistingJob, InFlight, ScheduledJobState } from './state.js';

/** The status clients see: an active job is `running` while a fire is in flight. */
export const jobStatusOf = (state: ExistingJob): JobStatus =>
  state.status === 'active' ? (state.fire ? 'running' : 'scheduled') : state.status;

const isEnded = (state: ExistingJob) => state.status !== 'active' && state.status !== 'paused';

const notFound = (id: string) => new NotFoundError('SCHEDULED_JOB_NOT_FOUND', `scheduled job ${id} does not exist in this workspace`);
/** Every refused transition names the status the job is in. */
const refused = (id: string, state: ExistingJob, wanted: string) => {
  const status = jobStatusOf(state);
  return new ConflictError(`SCHEDULED_JOB_${status.toUpperCase()}`, `scheduled job ${id} is ${status}: it cannot be ${wanted}`);
};
const existing = (state: ScheduledJobState, id: string, workspaceId: string): ExistingJob => {
  if (state.status === 'none' || state.workspaceId !== workspaceId) throw notFound(id);
  return state;
};

type Event = Evolvable<SchedulerEvent>;

/** The platform's scheduler fires internal jobs, external workers the others; neither takes the other's. */
const dispatchedBy = (state: ExistingJob, fromWorker: boolean) => {
  if (fromWorker === (state.job.dispatch === 'external')) return;
  const id = state.job.job_id;
  throw fromWorker
    ? new ConflictError('SCHEDULED_JOB_NOT_EXTERNAL', `scheduled job ${id} is fired by the platform's scheduler, not claimed by workers (create it with dispatch "external")`)
    : new ConflictError('SCHEDULED_JOB_EXTERNAL', `scheduled job ${id} is claimed by external workers`);
};
const ended = (state: ExistingJob, next: string | null, retry: ExistingJob['retry']): ExistingJob['status'] => {
  if (state.status !== 'active') return state.status;
  return next === null && retry === null ? 'completed' : 'active';
};

const evolve = (state: ScheduledJobState, event: Event): ScheduledJobState => {
  if (event.type === 'ScheduledJobCreated') {
    const { next_fire_time, ...job } = event.data;
    return { status: 'active', workspaceId: event.metadata.workspace_id, job, nextFireTime: next_fire_time, fire: null, retry: null, lastSlot: null };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'ScheduledJobFired': {
      const { slot, attempt, fired_by, lease_until } = event.data;
      return { ...state, fire: { slot, attempt, firedBy: fired_by, leaseUntil: lease_until }, retry: null, lastSlot: state.lastSlot && state.lastSlot > slot ? state.lastSlot : slot };
    }
    case 'ScheduledJobFireSucceeded':
      return { ...state, fire: null, retry: null, nextFireTime: event.data.next_fire_time, status: ended(state, event.data.next_fire_time, null) };
    case 'ScheduledJobFireFailed': {
      const { slot, attempt, retry_at, next_fire_time } = event.data;
      const retry = retry_at && (state.status === 'active' || state.status === 'paused') ? { slot, attempt: attempt + 1, at: retry_at } : null;
      const status = state.status === 'active' && !retry && next_fire_time === null ? 'failed' : state.status;
      return { ...state, fire: null, retry, nextFireTime: next_fire_time, status };
    }
    case 'ScheduledJobSlotsSkipped': {
      const next = event.data.next_fire_time;
      const status = state.status === 'active' && next === null ? (state.job.cron ? 'completed' : 'skipped') : state.status;
      return { ...state, nextFireTime: next, status };
    }
    case 'ScheduledJobPaused':
      return { ...state, status: 'paused' };
    case 'ScheduledJobResumed':
      return { ...state, status: 'active', nextFireTime: event.data.next_fire_time };
    case 'ScheduledJobCancelled':
      return { ...state, status: 'cancelled', retry: null };
  }
};

/** Records a fire whose lease ran out with no outcome as failed: its holder died or hung. */
const lostFire = (state: ExistingJob, now: string): SchedulerEvent => {
  const fire = state.fire!;
  const retry = state.status !== 'cancelled' && fire.attempt < state.job.max_attempts ? now : null;
  return {
    type: 'ScheduledJobFireFailed',
    data: {
      job_id: state.job.job_id,
      slot: fire.slot,
      attempt: fire.attempt,
      error: { code: 'SCHEDULED_FIRE_LOST', message: `${fire.firedBy} held the fire until ${fire.leaseUntil} and recorded no outcome` },
      retry_at: retry,
      next_fire_time: retry ? state.nextFireTime : nextAfter(state.job, fire.slot),
    },
  };
};

const fire = (command: Extract<SchedulerCommand, { type: 'FireScheduledJob' }>, state: ExistingJob): SchedulerEvent[] => {
  const { job_id: id, now, lease_ms, grace_ms, fired_by } = command.data;
  dispatchedBy(state, command.data.from_worker);
  const events: SchedulerEvent[] = [];
  let current = state;
  if (current.fire) {
    if (Date.parse(now) < Date.parse(current.fire.leaseUntil)) throw refused(id, current, 'fired again while a fire is in flight');
    const lost = lostFire(current, now);
    events.push(lost);
    current = evolve(current, { ...lost, metadata: {} as Event['metadata'] }) as ExistingJob;
  }
  if (current.status !== 'active') {
    if (events.length) return events;
    throw refused(id, current, 'fired');
  }
  const due = whatIsDue(current, now, grace_ms);
  if (due.kind === 'not_due') {
    if (events.length) return events;
    throw new ConflictError('SCHEDULED_JOB_NOT_DUE', `scheduled job ${id} is not due before ${due.at ?? 'never'}`);
  }
  if (due.skipped) events.push({ type: 'ScheduledJobSlotsSkipped', data: { job_id: id, ...due.skipped } });
  if (due.kind === 'fire') {
    // The log's guarantee: a slot at or before the newest fired one never fires again (a retry is the same slot, next attempt).
    if (due.attempt === 1 && current.lastSlot !== null && due.slot <= current.lastSlot) {
      throw new ConflictError('SCHEDULED_SLOT_FIRED', `slot ${due.slot} of scheduled job ${id} has fired already`);
    }
    const leaseUntil = new Date(Date.parse(now) + lease_ms).toISOString();
    events.push({ type: 'ScheduledJobFired', data: { job_id: id, slot: due.slot, attempt: due.attempt, fired_at: now, lease_until: leaseUntil, fired_by } });
  }
  return events;
};

const record = (command: Extract<SchedulerCommand, { type: 'RecordScheduledJobFire' }>, state: ExistingJob): SchedulerEvent[] => {
  const { job_id: id, now, slot, attempt, by, outcome } = command.data;
  dispatchedBy(state, command.data.from_worker);
  const current = state.fire;
  if (!current) throw refused(id, state, `marked ${outcome === 'succeeded' ? 'completed' : 'failed'}: no fire is in flight`);
  if ((slot !== null && slot !== current.slot) || (attempt !== null && attempt !== current.attempt) || (by !== null && by !== current.firedBy)) {
    throw new ConflictError('SCHEDULED_FIRE_LOST', `the fire of scheduled job ${id} in flight is slot ${current.slot}, attempt ${current.attempt}, held by ${current.firedBy}`);
  }
  const ref = { job_id: id, slot: current.slot, attempt: current.attempt };
  const following = nextAfter(state.job, current.slot);
  if (outcome === 'succeeded') return [{ type: 'ScheduledJobFireSucceeded', data: { ...ref, result_json: command.data.result_json, next_fire_time: following } }];
  const retry = !isEnded(state) && current.attempt < state.job.max_attempts ? retryAt(state.job, current.attempt, now) : null;
  const error = command.data.error ?? { code: 'SCHEDULED_FIRE_FAILED', message: 'the worker reported the fire failed' };
  return [{ type: 'ScheduledJobFireFailed', data: { ...ref, error, retry_at: retry, next_fire_time: retry ? state.nextFireTime : following } }];
};

/**
 * A scheduled job. Firing is decided here, against the job's stream: two schedulers (or two workers)
 * that decide the same slot at the same version collide on the append, and the loser, caught up, is
 * refused, since the slot fired (or is in flight). So each slot fires once, whoever runs.
 */
export const schedulerDecider: Decider<ScheduledJobState, SchedulerCommand, SchedulerEvent> = {
  initialState: () => ({ status: 'none' }),
  evolve,
  decide: (command, state) => {
    const id = command.data.job_id;
    switch (command.type) {
      case 'CreateScheduledJob': {
        if (state.status !== 'none') throw new ConflictError('SCHEDULED_JOB_EXISTS', `scheduled job ${id} already exists`);
        const { workspace_id: _workspace, now, ...job } = command.data;
        return [{ type: 'ScheduledJobCreated', data: { ...job, next_fire_time: firstSlot(job, now) } }];
      }
      case 'PauseScheduledJob': {
        const job = existing(state, id, command.data.workspace_id);
        if (!job.job.cron) throw new ValidationError([{ field: 'params.id', message: 'only a recurring (cron) job can be paused; cancel a one-off job' }], 'SCHEDULED_JOB_NOT_RECURRING');
        if (job.status === 'paused') return [];
        if (job.status !== 'active') throw refused(id, job, 'paused');
        return [{ type: 'ScheduledJobPaused', data: { job_id: id } }];
      }
      case 'ResumeScheduledJob': {
        const job = existing(state, id, command.data.workspace_id);
        if (job.status === 'active') return [];
        if (job.status !== 'paused') throw refused(id, job, 'resumed');
        return [{ type: 'ScheduledJobResumed', data: { job_id: id, next_fire_time: nextAfter(job.job, command.data.now) } }];
      }
      case 'CancelScheduledJob': {
        const job = existing(state, id, command.data.workspace_id);
        if (isEnded(job)) throw refused(id, job, 'cancelled');
        return [{ type: 'ScheduledJobCancelled', data: { job_id: id, reason: command.data.reason } }];
      }
      case 'FireScheduledJob':
        return fire(command, existing(state, id, command.data.workspace_id));
      case 'RecordScheduledJobFire':
        return record(command, existing(state, id, command.data.workspace_id));
    }
  },
};

/**
 * When a scheduler must next act on the job: the end of the lease of a fire in flight (to record it lost),
 * a retry, or the next slot; null for a job that will not fire (ended, or paused with nothing in flight).
 */
export const dueAtOf = (state: ScheduledJobState): string | null => {
  if (state.status === 'none') return null;
  if (state.fire) return state.fire.leaseUntil;
  return state.status === 'active' ? (state.retry?.at ?? state.nextFireTime) : null;
};
