import type { RecordedEvent } from '@agent-platform/contracts';
import {
  createCheckpointSaver,
  getCheckpoint,
  repeatedLog,
  tryLeadership,
  type EventStore,
  type Knex,
  type Leadership,
  type Logger,
  type Pool,
  type Subscription,
} from '@agent-platform/infra';
import { applyOrPark, DEFAULT_RETRY_POLICY, type RetryPolicy } from './parking/applyOrPark.js';
import type { ProjectionServices, Projector } from './projector.js';

/**
 * How long a projector may keep the checkpoint of pages without any of its events in memory. Saving each
 * at once was a write per event per projector; now it is one statement for every projector per this
 * interval. A read that waits for a position none of its projections handles (read-your-writes) waits up
 * to this long longer.
 */
const IDLE_SAVE_MS = 50;

/**
 * How long new events gather for a projector after its last read, by default: they then go in one page,
 * one transaction, instead of one each (an agent run appends seven times within some milliseconds). A
 * read waiting for its writes cuts the wait short (`hurry`).
 */
const LINGER_MS = 5;

export const leadershipName = (projector: Projector): string => `projector:${projector.name}`;

export type ProjectorRuntime = {
  stop: () => Promise<void>;
  /** Ends every projector's linger now: a read is waiting for what they have not applied yet. */
  hurry: () => void;
};

/**
 * Runs each projector from its checkpoint, catch-up then live. One process at a time runs a given
 * projector (advisory-lock leadership); the others stand by and take over when the leader dies. A page
 * that keeps failing is retried with backoff, and an event that breaks its projection is parked after
 * `retry.maxAttempts` (`parking/applyOrPark.ts`); the projection goes on past it. Repeated failures are
 * logged at a bounded rate (`repeatedLog`), each parked event once.
 */
export const startProjectors = (deps: {
  store: EventStore;
  knex: Knex;
  pool: Pool;
  projectors: readonly Projector[];
  log: Logger;
  standbyRetryMs?: number;
  idleSaveMs?: number;
  lingerMs?: number;
  retry?: Partial<RetryPolicy>;
  /** What projectors may read outside the log (the data keys of sealed content). */
  services?: ProjectionServices;
}): ProjectorRuntime => {
  let stopped = false;
  let stop: () => void = () => undefined;
  const stopSignal = new Promise<void>((resolve) => (stop = resolve));
  const idleSaves = createCheckpointSaver(deps.knex, deps.idleSaveMs ?? IDLE_SAVE_MS, deps.log);
  const lingerMs = deps.lingerMs ?? LINGER_MS;
  const subscriptions = new Set<Subscription>();
  const policy = { ...DEFAULT_RETRY_POLICY, ...deps.retry };
  const running = deps.projectors.map(async (projector) => {
    const log = deps.log.child({ projector: projector.name });
    const pageFailed = repeatedLog(log, 'error', 'projector page failed; retrying');
    const restarting = repeatedLog(log, 'error', 'projector stopped; restarting');
    const onParked = (event: RecordedEvent, error: unknown, attempts: number) =>
      log.error(
        { err: error, global_position: event.global_position, stream_id: event.stream_id, event_type: event.type, attempts },
        'projector parked an event it could not apply; going on past it',
      );
    while (!stopped) {
      let leadership: Leadership | undefined;
      let subscription: Subscription | undefined;
      // Ends a page's waits between retries when this leadership ends, so a stop never waits them out.
      const ending = new AbortController();
      try {
        leadership = await tryLeadership(deps.pool, leadershipName(projector));
        if (!leadership) {
          await new Promise((r) => setTimeout(r, deps.standbyRetryMs ?? 2000));
          continue;
        }
        const from = await getCheckpoint(deps.knex, projector.name);
        subscription = deps.store.subscribe({
          from,
          types: projector.handles,
          lingerMs,
          handle: async (events, checkpoint) => {
            if (events.length === 0) return idleSaves.later(projector.name, checkpoint);
            idleSaves.forget(projector.name);
            await applyOrPark(deps, projector, events, checkpoint, {
              policy,
              signal: ending.signal,
              onFailure: (error, attempt) => pageFailed({ err: error, attempt, from_position: events[0]!.global_position }),
              onParked,
            });
          },
          onError: (error) => {
            if (!ending.signal.aborted) pageFailed({ err: error });
          },
        });
        subscriptions.add(subscription);
        await Promise.race([leadership.lost, subscription.done, stopSignal]);
      } catch (error) {
        restarting({ err: error });
        await new Promise((r) => setTimeout(r, 1000));
      } finally {
        ending.abort();
        if (subscription) subscriptions.delete(subscription);
        await subscription?.stop();
        // Before the lock goes: a new leader must not find a checkpoint this one is still about to move.
        await idleSaves.flush();
        await leadership?.release();
      }
    }
  });
  return {
    stop: async () => {
      stopped = true;
      stop();
      await Promise.all(running);
    },
    hurry: () => {
      for (const subscription of subscriptions) subscription.hurry();
    },
  };
};
