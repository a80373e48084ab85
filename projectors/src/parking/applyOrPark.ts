import { setTimeout as sleep } from 'node:timers/promises';
import type { RecordedEvent } from '@agent-platform/contracts';
import { advanceCheckpoint, isRefusedStatement, PROJECTION_RETRY_DEFAULTS, UpcastFailed, type LogCheckpoint } from '@agent-platform/infra';
import { applyPage, positionOf, type ProjectionDb } from '../apply.js';
import { ProjectionThrew } from '../projectionThrew.js';
import type { Projector } from '../projector.js';
import { parkEvent } from './park.js';

export type RetryPolicy = {
  /** Failures of a page for a reason of its own before its failing event is parked. */
  maxAttempts: number;
  /** The wait after the first failure; it doubles after each, up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
};

/** Five attempts over 1.5 s: a poison event holds its projection back that long, once. The config's defaults too. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = PROJECTION_RETRY_DEFAULTS;

export type ApplyOptions = {
  policy: RetryPolicy;
  /** Ends the waits between attempts (the runtime stops, or lost its leadership): the page is left unapplied. */
  signal?: AbortSignal;
  /** Each failed attempt, before the wait that follows it. */
  onFailure?: (error: unknown, attempt: number) => void;
  onParked?: (event: RecordedEvent, error: unknown, attempts: number) => void;
};

/**
 * The event's own fault: its upcasters could not lift it, the projection threw on it, or PostgreSQL
 * refused one of its statements. Trying again gives the same answer, so after a few attempts it is parked. Anything else (the database
 * unreachable, a deadlock, a shutdown) is the world's fault: retried as long as it lasts, never parked,
 * so an outage cannot make a projection step over events that were fine.
 */
export const isEventsFault = (error: unknown): boolean =>
  error instanceof UpcastFailed || error instanceof ProjectionThrew || isRefusedStatement(error);

type Outcome = { applied: number } | { error: unknown; attempts: number };

/** Runs `apply` until it succeeds, or has failed `attempts` times for a reason of the event's own. */
const untilApplied = async (apply: () => Promise<number>, attempts: number, options: ApplyOptions): Promise<Outcome> => {
  for (let attempt = 1, own = 0; ; attempt++) {
    try {
      return { applied: await apply() };
    } catch (error) {
      if (isEventsFault(error) && ++own >= attempts) return { error, attempts: attempt };
      options.onFailure?.(error, attempt);
      const { baseDelayMs, maxDelayMs } = options.policy;
      await sleep(Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1)), undefined, options.signal ? { signal: options.signal } : {});
    }
  }
};

/**
 * Applies a page (`applyPage`), retrying a failure with exponential backoff. A page that fails
 * `maxAttempts` times for a reason of its own is applied event by event: the events that apply alone are
 * applied, and the one that fails alone is parked (`parkEvent`), so the projection goes on past it. A
 * page is all or nothing, so one event cannot be stepped over without taking it apart.
 */
export const applyOrPark = async (
  db: ProjectionDb,
  projector: Projector,
  events: readonly RecordedEvent[],
  checkpoint: LogCheckpoint,
  options: ApplyOptions,
): Promise<number> => {
  const page = await untilApplied(() => applyPage(db, projector, events, checkpoint), options.policy.maxAttempts, options);
  if ('applied' in page) return page.applied;
  let applied = 0;
  for (const event of events) {
    const alone = events.length === 1 ? page : await untilApplied(() => applyPage(db, projector, [event], positionOf(event)), 1, options);
    if ('applied' in alone) {
      applied += alone.applied;
      continue;
    }
    const attempts = alone === page ? page.attempts : page.attempts + alone.attempts;
    if (await parkEvent(db.knex, projector.name, event, alone.error, attempts)) options.onParked?.(event, alone.error, attempts);
  }
  // The page may end past its last event (events of other types): the checkpoint goes there too.
  await advanceCheckpoint(db.knex, projector.name, checkpoint);
  return applied;
};
