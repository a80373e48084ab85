import { schedulerProjection } from './module.js';
import { describeProjection, SPEC_TIME } from '../testing/projectionSpecification.js';

const JOB = '1a1a1a1a-1a1a-4a1a-8a1a-1a1a1a1a1a1a';
const S0 = '2026-04-26T12:00:00.000Z';
const S1 = '2026-04-26T12:05:00.000Z';
const LEASE = '2026-04-26T12:02:00.000Z';
const RETRY = '2026-04-26T12:00:31.000Z';
const T1 = '2026-04-26T12:00:01.000Z';
const workspace = { workspace_id: 'ws-1' };
const jobEvent = (type: string, data: Record<string, unknown>, at = SPEC_TIME) => ({ type, data: { job_id: JOB, ...data }, metadata: workspace, at });
const definition = {
  job_type: 'event',
  name: 'every five minutes',
  schedule_time: null,
  cron: '*/5 * * * *',
  timezone: 'Europe/Paris',
  payload_json: { event_type: 'tick' },
  max_attempts: 3,
  retry_backoff_seconds: 30,
  misfire_policy: 'fire_once',
  catch_up_window_seconds: 3600,
  dispatch: 'internal',
};
const created = jobEvent('ScheduledJobCreated', { ...definition, next_fire_time: S0 });
const fired = (attempt = 1) => jobEvent('ScheduledJobFired', { slot: S0, attempt, fired_at: S0, lease_until: LEASE, fired_by: 'engine-a' }, S0);
const succeeded = jobEvent('ScheduledJobFireSucceeded', { slot: S0, attempt: 1, result_json: { event_id: 'e1' }, next_fire_time: S1 }, T1);
const failed = (retry_at: string | null, next: string | null) =>
  jobEvent('ScheduledJobFireFailed', { slot: S0, attempt: 1, error: { code: 'BOOM', message: 'boom' }, retry_at, next_fire_time: next }, T1);
const paused = jobEvent('ScheduledJobPaused', {}, T1);

describeProjection('scheduler projection', schedulerProjection, (spec) => {
  it('lists a created job, due at its first slot', () =>
    spec({
      when: [created],
      then: { table: 'rm_scheduled_jobs', rows: [{ id: JOB, workspace_id: 'ws-1', ...definition, status: 'scheduled', next_fire_time: new Date(S0), due_at: new Date(S0), fire_count: 0, current_fire: null }] },
    }));
  it('shows a fire in flight, due again when its lease ends, and its history row', () =>
    spec({
      given: [created],
      when: [fired()],
      then: [
        { table: 'rm_scheduled_jobs', rows: [{ id: JOB, status: 'running', due_at: new Date(LEASE), fire_count: 1, last_fired_slot: new Date(S0), current_fire: { slot: S0, attempt: 1, fired_by: 'engine-a', lease_until: LEASE } }] },
        { table: 'rm_scheduled_job_fires', orderBy: ['slot', 'attempt'], rows: [{ job_id: JOB, slot: new Date(S0), attempt: 1, status: 'fired', fired_by: 'engine-a', ended_at: null }] },
      ],
    }));
  it('moves a succeeded recurring job to its next slot', () =>
    spec({
      given: [created, fired()],
      when: [succeeded],
      then: [
        { table: 'rm_scheduled_jobs', rows: [{ id: JOB, status: 'scheduled', next_fire_time: new Date(S1), due_at: new Date(S1), current_fire: null }] },
        { table: 'rm_scheduled_job_fires', orderBy: ['slot', 'attempt'], rows: [{ job_id: JOB, attempt: 1, status: 'succeeded', ended_at: new Date(T1), result_json: { event_id: 'e1' } }] },
      ],
    }));
  it('keeps a failed fire due at its retry, and a one-off job out of attempts failed', async () => {
    await spec({
      given: [created, fired()],
      when: [failed(RETRY, S0)],
      then: [
        { table: 'rm_scheduled_jobs', rows: [{ id: JOB, status: 'scheduled', retry_at: new Date(RETRY), due_at: new Date(RETRY), last_error: { code: 'BOOM', message: 'boom' } }] },
        { table: 'rm_scheduled_job_fires', orderBy: ['slot', 'attempt'], rows: [{ job_id: JOB, status: 'failed', retry_at: new Date(RETRY), error: { code: 'BOOM', message: 'boom' } }] },
      ],
    });
    const oneOff = jobEvent('ScheduledJobCreated', { ...definition, cron: null, schedule_time: S0, next_fire_time: S0 });
    await spec({ given: [oneOff, fired()], when: [failed(null, null)], then: { table: 'rm_scheduled_jobs', rows: [{ id: JOB, status: 'failed', due_at: null, retry_at: null }] } });
  });
  it('completes a one-off job that succeeded, and skips one its policy skipped', async () => {
    const oneOff = jobEvent('ScheduledJobCreated', { ...definition, cron: null, schedule_time: S0, next_fire_time: S0 });
    await spec({
      given: [oneOff, fired()],
      when: [jobEvent('ScheduledJobFireSucceeded', { slot: S0, attempt: 1, result_json: {}, next_fire_time: null }, T1)],
      then: { table: 'rm_scheduled_jobs', rows: [{ id: JOB, status: 'completed', due_at: null }] },
    });
    await spec({
      given: [oneOff],
      when: [jobEvent('ScheduledJobSlotsSkipped', { from_slot: S0, to_slot: S0, next_fire_time: null }, T1)],
      then: { table: 'rm_scheduled_jobs', rows: [{ id: JOB, status: 'skipped', due_at: null, next_fire_time: null }] },
    });
  });
  it('pauses a job (due only to record a fire in flight lost), and resumes it at its next slot', async () => {
    await spec({ given: [created], when: [paused], then: { table: 'rm_scheduled_jobs', rows: [{ id: JOB, status: 'paused', due_at: null }] } });
    await spec({
      given: [created, paused],
      when: [jobEvent('ScheduledJobResumed', { next_fire_time: S1 }, T1)],
      then: { table: 'rm_scheduled_jobs', rows: [{ id: JOB, status: 'scheduled', next_fire_time: new Date(S1), due_at: new Date(S1) }] },
    });
  });
  it('cancels a job: never due again, and a fire in flight that ends leaves it cancelled', async () => {
    const cancelled = jobEvent('ScheduledJobCancelled', { reason: null }, T1);
    await spec({ given: [created, fired()], when: [cancelled], then: { table: 'rm_scheduled_jobs', rows: [{ id: JOB, status: 'cancelled', due_at: null }] } });
    await spec({ given: [created, fired(), cancelled], when: [succeeded], then: { table: 'rm_scheduled_jobs', rows: [{ id: JOB, status: 'cancelled', due_at: null }] } });
  });
});
