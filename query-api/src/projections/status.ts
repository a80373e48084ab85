import { PARKED_EVENTS_LISTED, type ParkedEvent, type ProjectionStatus } from '@agent-platform/contracts';
import { lagOf, listCheckpoints, LOG_START, type EventStore, type Knex } from '@agent-platform/infra';

type ParkedRow = {
  projection: string;
  global_position: number;
  stream_id: string;
  event_type: string;
  event_id: string;
  attempts: number;
  error_message: string;
  error_code: string | null;
  parked_at: Date;
  total: number;
};

/**
 * The newest parked events of each projection (`ap_parked_events`, written by the projectors' runtime),
 * and how many each has in all: one statement, whatever their number.
 */
const parkedOf = async (knex: Knex, names: readonly string[]): Promise<Map<string, { count: number; newest: ParkedEvent[] }>> => {
  const { rows } = (await knex.raw(
    `SELECT * FROM (
       SELECT p.*, count(*) OVER w_all::int AS total, row_number() OVER w_newest AS nth
       FROM ap_parked_events p WHERE projection = ANY(?)
       WINDOW w_all AS (PARTITION BY projection), w_newest AS (PARTITION BY projection ORDER BY global_position DESC)
     ) ranked WHERE nth <= ? ORDER BY projection, global_position DESC`,
    [names as string[], PARKED_EVENTS_LISTED],
  )) as { rows: ParkedRow[] };
  const byName = new Map<string, { count: number; newest: ParkedEvent[] }>();
  for (const row of rows) {
    const entry = byName.get(row.projection) ?? { count: row.total, newest: [] };
    entry.newest.push({
      global_position: row.global_position,
      stream_id: row.stream_id,
      event_type: row.event_type,
      event_id: row.event_id,
      attempts: row.attempts,
      error: { message: row.error_message, code: row.error_code },
      parked_at: row.parked_at.toISOString(),
    });
    byName.set(row.projection, entry);
  }
  return byName;
};

/** How far each projection is behind the head of the log, in events and in seconds, and what it parked. */
export const projectionStatuses = async (
  deps: { knex: Knex; store: EventStore },
  names: readonly string[],
): Promise<ProjectionStatus[]> => {
  const [checkpoints, parked] = await Promise.all([listCheckpoints(deps.knex, names), parkedOf(deps.knex, names)]);
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
