import { ValidationError, UnavailableError, type ProjectionName } from '@agent-platform/contracts';
import { checkpointsReached, type EventStore, type Knex } from '@agent-platform/infra';

/** Where a query asks for a position: its `x-min-position` header, else its `min_position` parameter, as the route parsed them. */
export type PositionAsked = {
  headers: { 'x-min-position'?: string | undefined };
  query: { min_position?: string | undefined };
};

export type Consistency = {
  /** Waits until every named projection has applied the position the request asks for, if any. */
  awaitPosition: (asked: PositionAsked, projections: readonly ProjectionName[]) => Promise<void>;
};

const requestedPosition = ({ headers, query }: PositionAsked): number | undefined => {
  const raw = headers['x-min-position'] ?? query.min_position;
  if (raw === undefined || raw === '') return undefined;
  const position = Number(raw);
  if (!Number.isSafeInteger(position) || position < 0) {
    throw new ValidationError([{ field: headers['x-min-position'] ? 'x-min-position' : 'query.min_position', message: 'must be a non-negative integer' }]);
  }
  return position;
};

/**
 * Read-your-writes: a command answers with the global position of its last event; a query that sends
 * it back waits (bounded) until the projections it reads from have applied that event, else 503.
 */
export const createConsistency = (deps: {
  knex: Knex;
  store: EventStore;
  timeoutMs: number;
  /** Asks the projectors of this process to apply what they hold back now (`ProjectorRuntime.hurry`). */
  hurry?: () => void;
}): Consistency => ({
  awaitPosition: async (asked, projections) => {
    const position = requestedPosition(asked);
    if (!position) return;
    const deadline = Date.now() + deps.timeoutMs;
    let target = await deps.store.checkpointOf(position);
    for (let delay = 2; ; delay = Math.min(delay * 2, 25)) {
      if (target && (await checkpointsReached(deps.knex, projections, target))) return;
      deps.hurry?.();
      if (Date.now() >= deadline) {
        throw new UnavailableError(
          'PROJECTION_BEHIND',
          `read models (${projections.join(', ')}) have not reached position ${position} within ${deps.timeoutMs} ms`,
          1,
        );
      }
      await new Promise((r) => setTimeout(r, delay));
      target ??= await deps.store.checkpointOf(position);
    }
  },
});

