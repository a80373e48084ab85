import type { ProjectionStatus } from '@agent-platform/contracts';
import { lagOf, listCheckpoints, LOG_START, type EventStore, type Knex } from '@agent-platform/infra';
import { parkedEventsReader } from '@agent-platform/projectors/readers';

/** How far each projection is behind the head of the log, in events and in seconds, and what it parked. */
export const projectionStatuses = async (
  deps: { knex: Knex; store: EventStore },
  names: readonly string[],
): Promise<ProjectionStatus[]> => {
  const [checkpoints, parked] = await Promise.all([listCheckpoints(deps.knex, names), parkedEventsReader.parkedOf(deps.knex, names)]);
  const byName = new Map(checkpoints.map((c) => [c.name, c]));
  return Promise.all(
    names.map(async (name) => {
      const stored = byName.get(name);
      const lag = await lagOf(deps.store, stored ?? LOG_START);
      return {
        name,
        position: lag.position,
        head_position: lag.headPosition,
        lag_events: lag.events,
        lag_seconds: lag.seconds,
        updated_at: stored?.updatedAt ?? null,
        parked_events: parked.get(name)?.count ?? 0,
        parked: parked.get(name)?.newest ?? [],
      };
    }),
  );
};
