import { lastSlotAtOrBefore, nextSlotAfter, slotBefore, type JobDefinition } from '@agent-platform/contracts';
import type { ExistingJob } from './state.js';

/** The longest a retry waits, however many attempts failed before it. */
const MAX_RETRY_DELAY_MS = 24 * 3600 * 1000;

/** A job's first slot: its `schedule_time`, or the first slot of its cron after it was created. */
export const firstSlot = (job: Pick<JobDefinition, 'schedule_time' | 'cron' | 'timezone'>, now: string): string | null =>
  job.cron ? nextSlotAfter(job.cron, job.timezone, now) : new Date(job.schedule_time!).toISOString();

/** The slot after `after`: none for a one-off job. */
export const nextAfter = (job: Pick<JobDefinition, 'cron' | 'timezone'>, after: string): string | null =>
  job.cron ? nextSlotAfter(job.cron, job.timezone, after) : null;

/** Exponential backoff: `retry_backoff_seconds`, then twice that, and so on, capped at a day. */
export const retryAt = (job: Pick<JobDefinition, 'retry_backoff_seconds'>, failedAttempt: number, now: string): string =>
  new Date(Date.parse(now) + Math.min(job.retry_backoff_seconds * 1000 * 2 ** (failedAttempt - 1), MAX_RETRY_DELAY_MS)).toISOString();

export type Skipped = { from_slot: string; to_slot: string; next_fire_time: string | null };
export type Due =
  | { kind: 'not_due'; at: string | null }
  | { kind: 'fire'; slot: string; attempt: number; skipped?: Skipped }
  | { kind: 'skip'; skipped: Skipped };

const fire = (slot: string, skipped?: Skipped): Due => ({ kind: 'fire', slot, attempt: 1, ...(skipped ? { skipped } : {}) });

/** The slots from `from` to the one before `to`, skipped so that `to` fires next; none when `to` is `from`. */
const skippedBefore = (job: JobDefinition, from: string, to: string): Skipped | undefined =>
  to > from ? { from_slot: from, to_slot: slotBefore(job.cron!, job.timezone, to) ?? from, next_fire_time: to } : undefined;

/**
 * What fires at `now`: a retry whose time came, else the next slot. A slot later than `graceMs` missed
 * its time (no scheduler ran, or one was overloaded), and the job's misfire policy says what happens:
 * `fire_once` fires the newest missed slot and skips the others; `skip` skips them all, firing only a
 * slot still within the grace; `fire_all` fires each in turn, from the oldest inside the catch-up window.
 */
export const whatIsDue = (state: ExistingJob, now: string, graceMs: number): Due => {
  const { job } = state;
  if (state.retry) return Date.parse(now) < Date.parse(state.retry.at) ? { kind: 'not_due', at: state.retry.at } : { kind: 'fire', slot: state.retry.slot, attempt: state.retry.attempt };
  const next = state.nextFireTime;
  if (next === null || Date.parse(now) < Date.parse(next)) return { kind: 'not_due', at: next };
  const nowMs = Date.parse(now);
  if (nowMs - Date.parse(next) <= graceMs) return fire(next);
  const windowStart = nowMs - job.catch_up_window_seconds * 1000;
  if (!job.cron) {
    const fires = job.misfire_policy === 'fire_once' || (job.misfire_policy === 'fire_all' && Date.parse(next) >= windowStart);
    return fires ? fire(next) : { kind: 'skip', skipped: { from_slot: next, to_slot: next, next_fire_time: null } };
  }
  const latest = lastSlotAtOrBefore(job.cron, job.timezone, now) ?? next;
  const skipAll = (): Due => ({ kind: 'skip', skipped: { from_slot: next, to_slot: latest, next_fire_time: nextSlotAfter(job.cron!, job.timezone, now) } });
  switch (job.misfire_policy) {
    case 'fire_once':
      return fire(latest, skippedBefore(job, next, latest));
    case 'skip':
      return nowMs - Date.parse(latest) <= graceMs ? fire(latest, skippedBefore(job, next, latest)) : skipAll();
    case 'fire_all': {
      if (Date.parse(next) >= windowStart) return fire(next);
      const first = nextSlotAfter(job.cron, job.timezone, windowStart - 1);
      if (first === null || Date.parse(first) > nowMs) return skipAll();
      return fire(first, skippedBefore(job, next, first));
    }
  }
};
