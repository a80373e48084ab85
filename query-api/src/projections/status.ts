import type { ProjectionStatus } from '@agent-platform/contracts';
import { listCheckpoints, LOG_START, type EventStore, type Knex } from '@agent-platform/infra';

/** How far each projection is behind the head of the log, in events and in seconds. */
export const projectionStatuses = async (
  deps: { knex: Knex; store: EventStore },
  names: readonly string[],
): Promise<ProjectionStatus[]> => {
  const [checkpoints, head] = await Promise.all([listCheckpoints(deps.knex, names), deps.store.headPosition()]);
  const byName = new Map(checkpoints.map((c) => [c.name, c]));
  return Promise.all(
    names.map(async (name) => {
      const stored = byName.get(name);
      const from = stored ?? LOG_START;
      const next = await deps.store.readAll({ after: from, limit: 1 });
      const oldestUnapplied = next.events[0]?.recorded_at;
      return {
        name,
        position: from.globalPosition,
        head_position: head,
        lag_events: next.scanned === 0 ? 0 : Math.max(head - from.globalPosition, 1),
        lag_seconds: oldestUnapplied ? Math.max(0, (Date.now() - Date.parse(oldestUnapplied)) / 1000) : 0,
        updated_at: stored?.updatedAt ?? null,
      };
    }),
  );
};
