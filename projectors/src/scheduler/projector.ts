import {
  ScheduledJobCancelled,
  ScheduledJobCreated,
  ScheduledJobFired,
  ScheduledJobFireFailed,
  ScheduledJobFireSucceeded,
  ScheduledJobPaused,
  ScheduledJobResumed,
  ScheduledJobSlotsSkipped,
} from '@agent-platform/contracts';
import { projectorOf, type Projection } from '../projector.js';
import { FIRES, JOBS } from './schema.js';

const created: Projection = (sql, e) => {
  const d = ScheduledJobCreated.schema.parse(e.data);
  const { job_id, next_fire_time, payload_json, ...job } = d;
  return [
    sql(JOBS).insert({
      ...job,
      id: job_id,
      workspace_id: e.metadata.workspace_id,
      payload_json: JSON.stringify(payload_json),
      status: 'scheduled',
      next_fire_time,
      due_at: next_fire_time,
      created_time: e.recorded_at,
      updated_time: e.recorded_at,
    }),
  ];
};

const fired: Projection = (sql, e) => {
  const d = ScheduledJobFired.schema.parse(e.data);
  const current = { slot: d.slot, attempt: d.attempt, fired_by: d.fired_by, lease_until: d.lease_until };
  return [
    sql(FIRES).insert({
      job_id: d.job_id,
      slot: d.slot,
      attempt: d.attempt,
      workspace_id: e.metadata.workspace_id,
      status: 'fired',
      fired_by: d.fired_by,
      fired_at: d.fired_at,
      lease_until: d.lease_until,
    }),
    sql(JOBS)
      .where({ id: d.job_id })
      .update({
        status: 'running',
        current_fire: JSON.stringify(current),
        retry_at: null,
        due_at: d.lease_until,
        fire_count: sql.raw('fire_count + 1'),
        last_fired_slot: sql.raw('greatest(last_fired_slot, ?::timestamptz)', [d.slot]),
        updated_time: e.recorded_at,
      }),
  ];
};

/** A fire ended: a running job is scheduled again while it has a retry or a next slot, else it ended with `endedAs`. */
const ending = (sql: Parameters<Projection>[0], next: string | null, retry: string | null, endedAs: 'completed' | 'failed') =>
  next === null && retry === null
    ? sql.raw(`CASE WHEN status = 'running' THEN '${endedAs}' ELSE status END`)
    : sql.raw(`CASE WHEN status = 'running' THEN 'scheduled' ELSE status END`);
/** When a scheduler acts next: never for a paused or ended job. */
const dueWhen = (sql: Parameters<Projection>[0], at: string | null) => sql.raw(`CASE WHEN status IN ('running', 'scheduled') THEN ?::timestamptz END`, [at]);

const succeeded: Projection = (sql, e) => {
  const d = ScheduledJobFireSucceeded.schema.parse(e.data);
  return [
    sql(FIRES).where({ job_id: d.job_id, slot: d.slot, attempt: d.attempt }).update({ status: 'succeeded', ended_at: e.recorded_at, result_json: JSON.stringify(d.result_json) }),
    sql(JOBS)
      .where({ id: d.job_id })
      .update({ due_at: dueWhen(sql, d.next_fire_time), status: ending(sql, d.next_fire_time, null, 'completed'), next_fire_time: d.next_fire_time, current_fire: null, updated_time: e.recorded_at }),
  ];
};

const failed: Projection = (sql, e) => {
  const d = ScheduledJobFireFailed.schema.parse(e.data);
  return [
    sql(FIRES).where({ job_id: d.job_id, slot: d.slot, attempt: d.attempt }).update({ status: 'failed', ended_at: e.recorded_at, error: JSON.stringify(d.error), retry_at: d.retry_at }),
    sql(JOBS)
      .where({ id: d.job_id })
      .update({
        due_at: dueWhen(sql, d.retry_at ?? d.next_fire_time),
        status: ending(sql, d.next_fire_time, d.retry_at, 'failed'),
        next_fire_time: d.next_fire_time,
        retry_at: d.retry_at,
        current_fire: null,
        last_error: JSON.stringify(d.error),
        updated_time: e.recorded_at,
      }),
  ];
};

const skipped: Projection = (sql, e) => {
  const d = ScheduledJobSlotsSkipped.schema.parse(e.data);
  const status = d.next_fire_time === null ? sql.raw(`CASE WHEN cron IS NULL THEN 'skipped' ELSE 'completed' END`) : sql.raw('status');
  return [sql(JOBS).where({ id: d.job_id }).update({ due_at: d.next_fire_time, status, next_fire_time: d.next_fire_time, updated_time: e.recorded_at })];
};

const paused: Projection = (sql, e) => {
  const d = ScheduledJobPaused.schema.parse(e.data);
  // A fire in flight still ends, or its lease runs out and a scheduler records it lost.
  return [sql(JOBS).where({ id: d.job_id }).update({ status: 'paused', due_at: sql.raw(`(current_fire->>'lease_until')::timestamptz`), updated_time: e.recorded_at })];
};

const resumed: Projection = (sql, e) => {
  const d = ScheduledJobResumed.schema.parse(e.data);
  return [
    sql(JOBS)
      .where({ id: d.job_id })
      .update({
        status: sql.raw(`CASE WHEN current_fire IS NULL THEN 'scheduled' ELSE 'running' END`),
        next_fire_time: d.next_fire_time,
        due_at: sql.raw(`coalesce((current_fire->>'lease_until')::timestamptz, retry_at, ?::timestamptz)`, [d.next_fire_time]),
        updated_time: e.recorded_at,
      }),
  ];
};

const cancelled: Projection = (sql, e) => {
  const d = ScheduledJobCancelled.schema.parse(e.data);
  return [sql(JOBS).where({ id: d.job_id }).update({ status: 'cancelled', due_at: null, retry_at: null, updated_time: e.recorded_at })];
};

export const schedulerProjector = projectorOf('scheduler', [FIRES, JOBS], {
  [ScheduledJobCreated.type]: created,
  [ScheduledJobFired.type]: fired,
  [ScheduledJobFireSucceeded.type]: succeeded,
  [ScheduledJobFireFailed.type]: failed,
  [ScheduledJobSlotsSkipped.type]: skipped,
  [ScheduledJobPaused.type]: paused,
  [ScheduledJobResumed.type]: resumed,
  [ScheduledJobCancelled.type]: cancelled,
});
