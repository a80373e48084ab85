import {
  getCheckpoint,
  tryLeadership,
  type EventStore,
  type Knex,
  type Leadership,
  type Logger,
  type Pool,
  type Subscription,
} from '@agent-platform/infra';
import { applyPage } from './apply.js';
import type { Projector } from './projector.js';

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
}): ProjectorRuntime => {
  let stopped = false;
  let stop: () => void = () => undefined;
  const stopSignal = new Promise<void>((resolve) => (stop = resolve));
  const running = deps.projectors.map(async (projector) => {
    const log = deps.log.child({ projector: projector.name });
    while (!stopped) {
      let leadership: Leadership | undefined;
      let subscription: Subscription | undefined;
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
          handle: async (events, checkpoint) => {
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
