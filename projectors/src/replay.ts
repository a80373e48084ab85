import {
  dangerouslyResetCheckpoint,
  LOG_START,
  StartupError,
  tryLeadership, type EventStore, type Knex, type Pool } from '@agent-platform/infra';
import { applyOrPark, DEFAULT_RETRY_POLICY, type RetryPolicy } from './parking/applyOrPark.js';
import { forgetParked } from './parking/park.js';
import type { ProjectionServices, Projector } from './projector.js';
import { leadershipName } from './runtime.js';

export class ProjectionBusyError extends StartupError {
  override name = 'ProjectionBusyError';
}

export type ReplayProgress = { projection: string; position: number; head: number; events: number };

/**
 * Empties a projector's tables and applies the whole log again. It takes the projector's leadership
 * first, so no live instance applies events meanwhile; a running platform must stop that projector.
 * The projection's parked events are forgotten with its rows: the replay meets them again, applies those
 * a fixed projection now handles, and parks those it still cannot apply (`parked` counts them).
 */
export const replayProjection = async (
  deps: {
    store: EventStore;
    knex: Knex;
    pool: Pool;
    /** As the runtime is configured: `npm run replay` passes the environment's. */
    retry?: Partial<RetryPolicy>;
    services?: ProjectionServices;
  },
  projector: Projector,
  onProgress: (progress: ReplayProgress) => void = () => undefined,
): Promise<{ events: number; parked: number; seconds: number }> => {
  const leadership = await tryLeadership(deps.pool, leadershipName(projector));
  if (!leadership) {
    throw new ProjectionBusyError(`projection ${projector.name} is being run by a live process; stop it before replaying`);
  }
  const started = process.hrtime.bigint();
  let events = 0;
  let parked = 0;
  const policy = { ...DEFAULT_RETRY_POLICY, ...deps.retry };
  try {
    await deps.knex.transaction(async (trx) => {
      await trx.raw(`TRUNCATE ${projector.tables.map((t) => `"${t}"`).join(', ')}`);
      await forgetParked(trx, projector.name);
    });
    await dangerouslyResetCheckpoint(deps.knex, projector.name);
    const head = await deps.store.headPosition();
    let checkpoint = LOG_START;
    for (;;) {
      const page = await deps.store.readAll({ after: checkpoint, limit: 1000, types: projector.handles });
      if (page.scanned === 0) {
        if (!page.blockedByOpenTransaction || checkpoint.globalPosition >= head) break;
        await new Promise((r) => setTimeout(r, 20));
        continue;
      }
      events += await applyOrPark(deps, projector, page.events, page.checkpoint, { policy, onParked: () => parked++ });
      checkpoint = page.checkpoint;
      onProgress({ projection: projector.name, position: checkpoint.globalPosition, head, events });
    }
  } finally {
    await leadership.release();
  }
  return { events, parked, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
};
