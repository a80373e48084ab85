import {
  dangerouslyResetCheckpoint,
  LOG_START,
  StartupError,
  tryLeadership, type EventStore, type Knex, type Pool } from '@agent-platform/infra';
import { applyPage } from './apply.js';
import type { Projector } from './projector.js';
import { leadershipName } from './runtime.js';

export class ProjectionBusyError extends StartupError {
  override name = 'ProjectionBusyError';
}

export type ReplayProgress = { projection: string; position: number; head: number; events: number };

/**
 * Empties a projector's tables and applies the whole log again. It takes the projector's leadership
 * first, so no live instance applies events meanwhile; a running platform must stop that projector.
 */
export const replayProjection = async (
  deps: { store: EventStore; knex: Knex; pool: Pool },
  projector: Projector,
  onProgress: (progress: ReplayProgress) => void = () => undefined,
): Promise<{ events: number; seconds: number }> => {
  const leadership = await tryLeadership(deps.pool, leadershipName(projector));
  if (!leadership) {
    throw new ProjectionBusyError(`projection ${projector.name} is being run by a live process; stop it before replaying`);
  }
  const started = process.hrtime.bigint();
  let events = 0;
  try {
    await deps.knex.transaction(async (trx) => {
      await trx.raw(`TRUNCATE ${projector.tables.map((t) => `"${t}"`).join(', ')}`);
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
      events += await applyPage(deps, projector, page.events, page.checkpoint);
      checkpoint = page.checkpoint;
      onProgress({ projection: projector.name, position: checkpoint.globalPosition, head, events });
    }
  } finally {
    await leadership.release();
  }
  return { events, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
};
