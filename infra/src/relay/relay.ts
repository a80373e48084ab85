import type { Knex } from 'knex';
import type { Broker } from '../broker/port.js';
import { getCheckpoint } from '../checkpoints/postgres.js';
import { createCheckpointSaver } from '../checkpoints/saver.js';
import { tryLeadership, type Leadership } from '../db/leadership.js';
import type { Pool } from '../db/postgres.js';
import type { EventStore, LogCheckpoint, Subscription } from '../event-store/port.js';
import type { Logger } from '../logging.js';
import { repeatedLog } from '../repeatedLog.js';
import { toMessage } from './messages.js';

/** Each broker has its own relay checkpoint: switching brokers publishes the whole log to the new one. */
export const relayName = (broker: Pick<Broker, 'name'>): string => `relay:${broker.name}`;

export type RelayStatus = {
  leader: boolean;
  checkpoint: LogCheckpoint | undefined;
  published: number;
  /** When the relay last caught up with the log (ms since epoch), for lag in seconds. */
  caughtUpAt: number | undefined;
};

export type Relay = { status: () => RelayStatus; stop: () => Promise<void> };

/**
 * How long the relay may keep its checkpoint in memory after the broker acknowledged a page: one write
 * per this interval instead of one per page. A crash loses at most this much progress, which the
 * relay publishes again and the broker drops by event id.
 */
const SAVE_EVERY_MS = 50;

/**
 * The outbox relay: publishes the gap-safe log to the broker in order, in pages, and moves its
 * checkpoint only after the broker acknowledged the page. A crash before the checkpoint is saved
 * re-publishes what came after it, which the broker drops by event id. One process relays at a time (advisory-lock leadership);
 * the others stand by and take over within `standbyRetryMs` of the leader's death.
 */
export const startRelay = (deps: {
  store: EventStore;
  broker: Broker;
  knex: Knex;
  pool: Pool;
  log: Logger;
  batchSize?: number;
  standbyRetryMs?: number;
  /** How long new events gather after the relay's last read of the log (`SubscribeOptions.lingerMs`). */
  lingerMs?: number;
}): Relay => {
  const state: RelayStatus = { leader: false, checkpoint: undefined, published: 0, caughtUpAt: undefined };
  let stopped = false;
  let wake: () => void = () => undefined;
  const stopSignal = new Promise<void>((resolve) => (wake = resolve));
  const log = deps.log.child({ component: 'relay', broker: deps.broker.name });
  const saver = createCheckpointSaver(deps.knex, SAVE_EVERY_MS, log);
  // A broker that is down fails every page, once a second, for as long as it is down.
  const pageFailed = repeatedLog(log, 'warn', 'relay page failed; retrying from its checkpoint');
  const restarting = repeatedLog(log, 'error', 'relay stopped; restarting');

  const lead = async (leadership: Leadership) => {
    state.leader = true;
    state.checkpoint = await getCheckpoint(deps.knex, relayName(deps.broker));
    log.info({ position: state.checkpoint.globalPosition }, 'relay leading');
    let subscription: Subscription | undefined;
    try {
      subscription = deps.store.subscribe({
        from: state.checkpoint,
        batchSize: deps.batchSize ?? 500,
        lingerMs: deps.lingerMs ?? 0,
        handle: async (events, checkpoint) => {
          if (events.length) await deps.broker.publish(events.map((event) => toMessage(event, deps.broker.maxMessageBytes)));
          saver.later(relayName(deps.broker), checkpoint);
          state.checkpoint = checkpoint;
          state.published += events.length;
          if (events.length < (deps.batchSize ?? 500)) state.caughtUpAt = Date.now();
        },
        onError: (error) => pageFailed({ err: error }),
      });
      await Promise.race([leadership.lost, subscription.done, stopSignal]);
    } finally {
      await subscription?.stop();
      // Before the lock goes, so the next leader starts where this one ended.
      await saver.flush();
      state.leader = false;
    }
  };

  const run = async () => {
    while (!stopped) {
      let leadership: Leadership | undefined;
      try {
        leadership = await tryLeadership(deps.pool, relayName(deps.broker));
        if (leadership) await lead(leadership);
        else await Promise.race([new Promise((r) => setTimeout(r, deps.standbyRetryMs ?? 1000)), stopSignal]);
      } catch (error) {
        restarting({ err: error });
        await Promise.race([new Promise((r) => setTimeout(r, 1000)), stopSignal]);
      } finally {
        await leadership?.release();
      }
    }
  };

  const running = run();
  return {
    status: () => ({ ...state }),
    stop: async () => {
      stopped = true;
      wake();
      await running;
    },
  };
};
