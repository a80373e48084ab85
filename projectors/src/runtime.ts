import {
  advanceCheckpoint,
  getCheckpoint,
  tryLeadership,
  type EventStore,
  type Knex,
  type Leadership,
  type LogCheckpoint,
  type Logger,
  type Pool,
  type Subscription,
} from '@agent-platform/infra';
import { applyPage } from './apply.js';
import type { Projector } from './projector.js';

/**
 * How long a projector may keep the checkpoint of pages without any of its events in memory. Saving each
 * at once was a write per event per projector; now it is one per this interval. A read that waits for a
 * position none of its projections handles (read-your-writes) waits up to this long longer.
 */
const IDLE_SAVE_MS = 50;

type IdleCheckpoints = { passed: (checkpoint: LogCheckpoint) => void; applied: () => void; flush: () => Promise<void> };

const idleCheckpoints = (knex: Knex, name: string, delayMs: number, log: Logger): IdleCheckpoints => {
  let pending: LogCheckpoint | undefined;
  let timer: NodeJS.Timeout | undefined;
  let saving: Promise<void> = Promise.resolve();
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    const checkpoint = pending;
    pending = undefined;
    // Never moves a checkpoint back, so it may land after a later page's own save.
    if (checkpoint) saving = advanceCheckpoint(knex, name, checkpoint).catch((error: unknown) => log.warn({ err: error }, 'saving an idle checkpoint failed'));
    return saving;
  };
  return {
    passed: (checkpoint) => {
      pending = checkpoint;
      timer ??= setTimeout(() => void flush(), delayMs);
    },
    // A page with events saves its own, later checkpoint.
    applied: () => {
      clearTimeout(timer);
      timer = undefined;
      pending = undefined;
    },
    flush,
  };
};

export const leadershipName = (projector: Projector): string => `projector:${projector.name}`;

export type ProjectorRuntime = { stop: () => Promise<void> };

/**
 * Runs each projector from its checkpoint, catch-up then live. One process at a time runs a given
 * projector (advisory-lock leadership); the others stand by and take over when the leader dies.
 */
export const startProjectors = (deps: {
  store: EventStore;
  knex: Knex;
  pool: Pool;
  projectors: readonly Projector[];
  log: Logger;
  standbyRetryMs?: number;
  idleSaveMs?: number;
}): ProjectorRuntime => {
  let stopped = false;
  let stop: () => void = () => undefined;
  const stopSignal = new Promise<void>((resolve) => (stop = resolve));
  const running = deps.projectors.map(async (projector) => {
    const log = deps.log.child({ projector: projector.name });
    while (!stopped) {
      let leadership: Leadership | undefined;
      let subscription: Subscription | undefined;
      let idle: IdleCheckpoints | undefined;
      try {
        leadership = await tryLeadership(deps.pool, leadershipName(projector));
        if (!leadership) {
          await new Promise((r) => setTimeout(r, deps.standbyRetryMs ?? 2000));
          continue;
        }
        const from = await getCheckpoint(deps.knex, projector.name);
        idle = idleCheckpoints(deps.knex, projector.name, deps.idleSaveMs ?? IDLE_SAVE_MS, log);
        const idleSaves = idle;
        subscription = deps.store.subscribe({
          from,
          types: projector.handles,
          handle: async (events, checkpoint) => {
            if (events.length === 0) return idleSaves.passed(checkpoint);
            idleSaves.applied();
            await applyPage(deps.knex, projector, events, checkpoint);
          },
          onError: (error) => log.error({ err: error }, 'projector failed; retrying the page'),
        });
        await Promise.race([leadership.lost, subscription.done, stopSignal]);
      } catch (error) {
        log.error({ err: error }, 'projector stopped; restarting');
        await new Promise((r) => setTimeout(r, 1000));
      } finally {
        await subscription?.stop();
        await idle?.flush();
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
  };
};
