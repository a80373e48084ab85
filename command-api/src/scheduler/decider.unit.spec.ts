import { ConflictError, NotFoundError, ValidationError, type JobDefinition, type SchedulerCommand, type SchedulerEvent } from '@agent-platform/contracts';
import { deciderSpecification } from '../testing/deciderSpecification.js';
import { schedulerDecider } from './decider.js';

const J = '0c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5';
const ws = 'public';
const spec = deciderSpecification(schedulerDecider);
const oneOff: JobDefinition = {
  job_id: J,
  job_type: 'event',
  name: 'nightly report',
  schedule_time: '2026-04-26T12:00:00.000Z',
  cron: null,
  timezone: 'UTC',
  payload_json: { event_type: 'report.due' },
  max_attempts: 3,
  retry_backoff_seconds: 10,
  misfire_policy: 'fire_once',
  catch_up_window_seconds: 3600,
  dispatch: 'internal',
};
const everyFive: JobDefinition = { ...oneOff, schedule_time: null, cron: '*/5 * * * *' };
const created = (job: JobDefinition, next: string | null): SchedulerEvent => ({ type: 'ScheduledJobCreated', data: { ...job, next_fire_time: next } });
const fireAt = (now: string, fired_by = 'engine-a', grace_ms = 60_000): SchedulerCommand => ({
  type: 'FireScheduledJob',
  data: { job_id: J, workspace_id: ws, now, lease_ms: 30_000, grace_ms, fired_by, from_worker: false },
});
const fired = (slot: string, attempt: number, at: string, by = 'engine-a'): SchedulerEvent => ({
  type: 'ScheduledJobFired',
  data: { job_id: J, slot, attempt, fired_at: at, lease_until: new Date(Date.parse(at) + 30_000).toISOString(), fired_by: by },
});
const recordAt = (now: string, outcome: 'succeeded' | 'failed', extra: Partial<Extract<SchedulerCommand, { type: 'RecordScheduledJobFire' }>['data']> = {}): SchedulerCommand => ({
  type: 'RecordScheduledJobFire',
  data: { job_id: J, workspace_id: ws, now, slot: null, attempt: null, by: null, from_worker: false, outcome, result_json: {}, error: outcome === 'failed' ? { code: 'BOOM', message: 'boom' } : null, ...extra },
});
const succeeded = (slot: string, attempt: number, next: string | null): SchedulerEvent => ({ type: 'ScheduledJobFireSucceeded', data: { job_id: J, slot, attempt, result_json: {}, next_fire_time: next } });
const failed = (slot: string, attempt: number, retry_at: string | null, next: string | null, error = { code: 'BOOM', message: 'boom' }): SchedulerEvent => ({
  type: 'ScheduledJobFireFailed',
  data: { job_id: J, slot, attempt, error, retry_at, next_fire_time: next },
});
const skipped = (from_slot: string, to_slot: string, next_fire_time: string | null): SchedulerEvent => ({ type: 'ScheduledJobSlotsSkipped', data: { job_id: J, from_slot, to_slot, next_fire_time } });
const T0 = '2026-04-26T12:00:00.000Z';

describe('scheduler decider', () => {
  describe('creating', () => {
    it('schedules a one-off job at its schedule_time, a cron job at its first slot after now', () => {
      const { job_id: _id, ...definition } = oneOff;
      spec.given([]).when({ type: 'CreateScheduledJob', data: { ...definition, job_id: J, workspace_id: ws, now: '2026-04-26T11:00:00Z' } }).then([created(oneOff, T0)]);
      const { job_id: _id2, ...recurring } = everyFive;
      spec.given([]).when({ type: 'CreateScheduledJob', data: { ...recurring, job_id: J, workspace_id: ws, now: '2026-04-26T12:03:10.000Z' } }).then([created(everyFive, '2026-04-26T12:05:00.000Z')]);
      spec.given([created(oneOff, T0)]).when({ type: 'CreateScheduledJob', data: { ...definition, job_id: J, workspace_id: ws, now: T0 } }).thenThrows(ConflictError, 'SCHEDULED_JOB_EXISTS');
    });
    it('computes cron slots in the job time zone across daylight saving time', () => {
      // 02:30 does not exist in New York on 2026-03-08 (clocks jump 02:00 → 03:00): croner fires at 03:00 EDT, 07:00Z.
      const daily = { ...everyFive, cron: '30 2 * * *', timezone: 'America/New_York' };
      const { job_id: _id, ...definition } = daily;
      spec.given([]).when({ type: 'CreateScheduledJob', data: { ...definition, job_id: J, workspace_id: ws, now: '2026-03-07T12:00:00.000Z' } }).then([created(daily, '2026-03-08T07:00:00.000Z')]);
      spec.given([created(daily, '2026-03-08T07:00:00.000Z'), fired('2026-03-08T07:00:00.000Z', 1, '2026-03-08T07:00:00.000Z')])
        .when(recordAt('2026-03-08T07:00:01.000Z', 'succeeded'))
        .then([succeeded('2026-03-08T07:00:00.000Z', 1, '2026-03-09T06:30:00.000Z')]);
    });
  });

  describe('firing: each slot once', () => {
    it('fires a due slot, and refuses before it is due', () => {
      spec.given([created(oneOff, T0)]).when(fireAt('2026-04-26T12:00:00.020Z')).then([fired(T0, 1, '2026-04-26T12:00:00.020Z')]);
      spec.given([created(oneOff, T0)]).when(fireAt('2026-04-26T11:59:59.000Z')).thenThrows(ConflictError, 'SCHEDULED_JOB_NOT_DUE');
    });
    it('refuses a second scheduler while the fire is in flight, naming the status', () => {
      spec.given([created(oneOff, T0), fired(T0, 1, T0)]).when(fireAt('2026-04-26T12:00:00.050Z', 'engine-b')).thenThrows(ConflictError, 'SCHEDULED_JOB_RUNNING');
    });
    it('never fires a slot that fired and ended: the job completed, or its next slot is not due', () => {
      spec.given([created(oneOff, T0), fired(T0, 1, T0), succeeded(T0, 1, null)]).when(fireAt('2026-04-26T12:00:01.000Z', 'engine-b')).thenThrows(ConflictError, 'SCHEDULED_JOB_COMPLETED');
      const five = '2026-04-26T12:05:00.000Z';
      spec.given([created(everyFive, T0), fired(T0, 1, T0), succeeded(T0, 1, five)]).when(fireAt('2026-04-26T12:00:02.000Z', 'engine-b')).thenThrows(ConflictError, 'SCHEDULED_JOB_NOT_DUE');
    });
    it('refuses a slot at or before the newest fired one, even when a slow clock resumed the job onto it', () => {
      const s5 = '2026-04-26T12:05:00.000Z';
      const history: SchedulerEvent[] = [
        created(everyFive, s5),
        fired(s5, 1, s5),
        succeeded(s5, 1, '2026-04-26T12:10:00.000Z'),
        { type: 'ScheduledJobPaused', data: { job_id: J } },
        // Resumed by a process whose clock is behind the one that fired 12:05.
        { type: 'ScheduledJobResumed', data: { job_id: J, next_fire_time: s5 } },
      ];
      spec.given(history).when(fireAt('2026-04-26T12:05:30.000Z', 'engine-b')).thenThrows(ConflictError, 'SCHEDULED_SLOT_FIRED');
    });
    it('records a fire whose lease ran out as lost, and fires its next attempt in the same append', () => {
      const late = '2026-04-26T12:00:40.000Z';
      spec.given([created(oneOff, T0), fired(T0, 1, T0)])
        .when(fireAt(late, 'engine-b'))
        .then([
          failed(T0, 1, late, T0, { code: 'SCHEDULED_FIRE_LOST', message: 'engine-a held the fire until 2026-04-26T12:00:30.000Z and recorded no outcome' }),
          fired(T0, 2, late, 'engine-b'),
        ]);
    });
  });

  describe('outcomes and retries', () => {
    it('completes a one-off job, and moves a cron job to its next slot', () => {
      spec.given([created(oneOff, T0), fired(T0, 1, T0)]).when(recordAt('2026-04-26T12:00:01.000Z', 'succeeded')).then([succeeded(T0, 1, null)]);
      spec.given([created(everyFive, T0), fired(T0, 1, T0)]).when(recordAt('2026-04-26T12:00:01.000Z', 'succeeded')).then([succeeded(T0, 1, '2026-04-26T12:05:00.000Z')]);
    });
    it('retries a failure with exponential backoff, then fails a one-off job once out of attempts', () => {
      const t1 = '2026-04-26T12:00:01.000Z';
      spec.given([created(oneOff, T0), fired(T0, 1, T0)]).when(recordAt(t1, 'failed')).then([failed(T0, 1, '2026-04-26T12:00:11.000Z', T0)]);
      const retrying = [created(oneOff, T0), fired(T0, 1, T0), failed(T0, 1, '2026-04-26T12:00:11.000Z', T0)];
      spec.given(retrying).when(fireAt('2026-04-26T12:00:10.000Z')).thenThrows(ConflictError, 'SCHEDULED_JOB_NOT_DUE');
      spec.given(retrying).when(fireAt('2026-04-26T12:00:11.000Z')).then([fired(T0, 2, '2026-04-26T12:00:11.000Z')]);
      const second = [...retrying, fired(T0, 2, '2026-04-26T12:00:11.000Z')];
      spec.given(second).when(recordAt('2026-04-26T12:00:12.000Z', 'failed')).then([failed(T0, 2, '2026-04-26T12:00:32.000Z', T0)]);
      const third = [...second, failed(T0, 2, '2026-04-26T12:00:32.000Z', T0), fired(T0, 3, '2026-04-26T12:00:32.000Z')];
      spec.given(third).when(recordAt('2026-04-26T12:00:33.000Z', 'failed')).then([failed(T0, 3, null, null)]);
      spec.given([...third, failed(T0, 3, null, null)]).when(fireAt('2026-04-26T12:01:00.000Z')).thenThrows(ConflictError, 'SCHEDULED_JOB_FAILED');
    });
    it('moves a cron job out of attempts on to its next slot', () => {
      const job = { ...everyFive, max_attempts: 1 };
      spec.given([created(job, T0), fired(T0, 1, T0)]).when(recordAt('2026-04-26T12:00:01.000Z', 'failed')).then([failed(T0, 1, null, '2026-04-26T12:05:00.000Z')]);
    });
    it('refuses an outcome with no fire in flight (409 naming the status) or for a fire that is not the one in flight', () => {
      spec.given([created(oneOff, T0)]).when(recordAt(T0, 'succeeded')).thenThrows(ConflictError, 'SCHEDULED_JOB_SCHEDULED');
      spec.given([created(oneOff, T0), fired(T0, 1, T0)]).when(recordAt(T0, 'succeeded', { by: 'worker-2' })).thenThrows(ConflictError, 'SCHEDULED_FIRE_LOST');
      spec.given([created(oneOff, T0), fired(T0, 1, T0)]).when(recordAt(T0, 'succeeded', { attempt: 2 })).thenThrows(ConflictError, 'SCHEDULED_FIRE_LOST');
    });
  });

  describe('misfires: slots missed while no scheduler ran', () => {
    const down = '2026-04-26T13:02:00.000Z'; // 62 minutes after T0: slots 12:00 … 13:00 were missed
    const policy = (misfire_policy: JobDefinition['misfire_policy'], catch_up_window_seconds = 3600) => [created({ ...everyFive, misfire_policy, catch_up_window_seconds }, T0)];
    it('fire_once fires the newest missed slot and skips the others', () => {
      spec.given(policy('fire_once')).when(fireAt(down)).then([skipped(T0, '2026-04-26T12:55:00.000Z', '2026-04-26T13:00:00.000Z'), fired('2026-04-26T13:00:00.000Z', 1, down)]);
    });
    it('skip skips every missed slot beyond the grace, and fires one still within it', () => {
      spec.given(policy('skip')).when(fireAt(down)).then([skipped(T0, '2026-04-26T13:00:00.000Z', '2026-04-26T13:05:00.000Z')]);
      spec.given(policy('skip')).when(fireAt('2026-04-26T13:00:30.000Z')).then([skipped(T0, '2026-04-26T12:55:00.000Z', '2026-04-26T13:00:00.000Z'), fired('2026-04-26T13:00:00.000Z', 1, '2026-04-26T13:00:30.000Z')]);
    });
    it('fire_all fires each missed slot in turn, from the oldest in the catch-up window', () => {
      spec.given(policy('fire_all', 7200)).when(fireAt(down)).then([fired(T0, 1, down)]);
      // A 30-minute window: 12:35 is its oldest slot, the ones before are skipped.
      spec.given(policy('fire_all', 1800)).when(fireAt(down)).then([skipped(T0, '2026-04-26T12:30:00.000Z', '2026-04-26T12:35:00.000Z'), fired('2026-04-26T12:35:00.000Z', 1, down)]);
      const caughtUp = [...policy('fire_all', 7200), fired(T0, 1, down), succeeded(T0, 1, '2026-04-26T12:05:00.000Z')];
      spec.given(caughtUp).when(fireAt('2026-04-26T13:02:01.000Z')).then([fired('2026-04-26T12:05:00.000Z', 1, '2026-04-26T13:02:01.000Z')]);
    });
    it('a missed one-off job fires under fire_once, and is skipped under skip', () => {
      spec.given([created(oneOff, T0)]).when(fireAt(down)).then([fired(T0, 1, down)]);
      spec.given([created({ ...oneOff, misfire_policy: 'skip' }, T0)]).when(fireAt(down)).then([skipped(T0, T0, null)]);
      spec.given([created({ ...oneOff, misfire_policy: 'skip' }, T0), skipped(T0, T0, null)]).when(fireAt(down)).thenThrows(ConflictError, 'SCHEDULED_JOB_SKIPPED');
    });
  });

  describe('pause, resume, cancel', () => {
    const pause: SchedulerCommand = { type: 'PauseScheduledJob', data: { job_id: J, workspace_id: ws } };
    it('pauses a recurring job, refuses to fire it, and resumes from the first slot after the resume', () => {
      spec.given([created(everyFive, T0)]).when(pause).then([{ type: 'ScheduledJobPaused', data: { job_id: J } }]);
      const paused: SchedulerEvent[] = [created(everyFive, T0), { type: 'ScheduledJobPaused', data: { job_id: J } }];
      spec.given(paused).when(fireAt(T0)).thenThrows(ConflictError, 'SCHEDULED_JOB_PAUSED');
      spec.given(paused)
        .when({ type: 'ResumeScheduledJob', data: { job_id: J, workspace_id: ws, now: '2026-04-26T14:01:00.000Z' } })
        .then([{ type: 'ScheduledJobResumed', data: { job_id: J, next_fire_time: '2026-04-26T14:05:00.000Z' } }]);
    });
    it('pauses only recurring jobs', () => {
      spec.given([created(oneOff, T0)]).when(pause).thenThrows(ValidationError, 'SCHEDULED_JOB_NOT_RECURRING');
    });
    it('cancels a job that has not ended, and refuses to cancel one twice', () => {
      const cancel: SchedulerCommand = { type: 'CancelScheduledJob', data: { job_id: J, workspace_id: ws, reason: null } };
      spec.given([created(oneOff, T0)]).when(cancel).then([{ type: 'ScheduledJobCancelled', data: { job_id: J, reason: null } }]);
      spec.given([created(oneOff, T0), { type: 'ScheduledJobCancelled', data: { job_id: J, reason: null } }]).when(cancel).thenThrows(ConflictError, 'SCHEDULED_JOB_CANCELLED');
    });
    it('lets external workers claim and report only external jobs, and the scheduler fire only the others', () => {
      const external = { ...oneOff, dispatch: 'external' as const };
      const claim = (from_worker: boolean): SchedulerCommand => ({ type: 'FireScheduledJob', data: { job_id: J, workspace_id: ws, now: T0, lease_ms: 30_000, grace_ms: 60_000, fired_by: 'worker-1', from_worker } });
      spec.given([created(external, T0)]).when(claim(true)).then([fired(T0, 1, T0, 'worker-1')]);
      spec.given([created(external, T0)]).when(claim(false)).thenThrows(ConflictError, 'SCHEDULED_JOB_EXTERNAL');
      spec.given([created(oneOff, T0)]).when(claim(true)).thenThrows(ConflictError, 'SCHEDULED_JOB_NOT_EXTERNAL');
      spec.given([created(oneOff, T0), fired(T0, 1, T0)]).when(recordAt(T0, 'succeeded', { from_worker: true })).thenThrows(ConflictError, 'SCHEDULED_JOB_NOT_EXTERNAL');
    });
    it('answers 404 for another workspace', () => {
      spec.given([created(oneOff, T0)]).when({ type: 'CancelScheduledJob', data: { job_id: J, workspace_id: 'other', reason: null } }).thenThrows(NotFoundError, 'SCHEDULED_JOB_NOT_FOUND');
    });
  });
});
