import type { ProjectionStatus } from '@agent-platform/contracts';
import { lagOf, listCheckpoints, LOG_START, type EventStore, type Knex } from '@agent-platform/infra';

/** How far each projection is behind the head of the log, in events and in seconds. */
export const projectionStatuses = async (
  deps: { knex: Knex; store: EventStore },
  names: readonly string[],
): Promise<ProjectionStatus[]> => {
  const byName = new Map((await listCheckpoints(deps.knex, names)).map((c) => [c.name, c]));
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
      };
    }),
  );
};
