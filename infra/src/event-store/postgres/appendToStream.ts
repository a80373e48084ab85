import { randomUUID } from 'node:crypto';
import type { NewEvent } from '@agent-platform/contracts';
import { isPgError, PG_UNIQUE_VIOLATION, type Queryable } from '../../db/postgres.js';
import { EVENT_COLUMNS, toRecordedEvent, type EventRow } from './rows.js';
import type { RecordedEvent } from '@agent-platform/contracts';

export type PriorCommand = {
  stream_id: string;
  fingerprint: string | null;
  first_version: number;
  last_version: number;
  last_position: number;
};

export type AppendOutcome =
  | { kind: 'appended'; events: RecordedEvent[] }
  | { kind: 'wrong_version'; currentVersion: number }
  | { kind: 'duplicate_command'; prior: PriorCommand }
  /** A concurrent append took the same version or command id first (unique violation). */
  | { kind: 'lost_race'; constraint: string };

/**
 * One statement, so one round trip and one commit when run outside a transaction: it checks the
 * expected version and the command id, inserts the events, and records the command.
 * Versions are `current + ordinality`; two appenders racing for the same version collide on the
 * (stream_id, stream_version) unique index and the later one gets `lost_race`.
 */
const APPEND_SQL = `
WITH current AS (
  SELECT coalesce(max(stream_version), 0) AS version FROM ap_events WHERE stream_id = $1
), prior AS (
  SELECT stream_id, fingerprint, first_version, last_version, last_position
  FROM ap_commands WHERE $8::text IS NOT NULL AND command_id = $8
), appended AS (
  INSERT INTO ap_events (stream_id, stream_version, event_id, type, schema_version, data, metadata)
  SELECT $1, current.version + e.ord, e.event_id, e.type, e.schema_version, e.data, e.metadata
  FROM current,
       unnest($3::uuid[], $4::text[], $5::int[], $6::jsonb[], $7::jsonb[])
         WITH ORDINALITY AS e(event_id, type, schema_version, data, metadata, ord)
  WHERE ($2::int IS NULL OR current.version = $2) AND NOT EXISTS (SELECT 1 FROM prior)
  ORDER BY e.ord
  RETURNING ${EVENT_COLUMNS}
), command AS (
  INSERT INTO ap_commands (command_id, stream_id, fingerprint, first_version, last_version, last_position)
  SELECT $8, $1, $9, min(stream_version), max(stream_version), max(global_position)
  FROM appended WHERE $8::text IS NOT NULL HAVING count(*) > 0
)
SELECT (SELECT version FROM current) AS current_version,
       (SELECT row_to_json(prior) FROM prior) AS prior,
       coalesce((SELECT json_agg(a ORDER BY a.stream_version) FROM appended a), '[]'::json) AS appended`;

export const appendToStream = async (
  db: Queryable,
  streamId: string,
  events: readonly NewEvent[],
  options: { expectedVersion: number | null; commandId?: string | undefined; commandFingerprint?: string | undefined },
): Promise<AppendOutcome> => {
  let result;
  try {
    result = await db.query(APPEND_SQL, [
      streamId,
      options.expectedVersion,
      events.map((e) => e.event_id ?? randomUUID()),
      events.map((e) => e.type),
      events.map((e) => e.schema_version ?? 1),
      events.map((e) => JSON.stringify(e.data)),
      events.map((e) => JSON.stringify(e.metadata)),
      options.commandId ?? null,
      options.commandFingerprint ?? null,
    ]);
  } catch (error) {
    if (isPgError(error, PG_UNIQUE_VIOLATION)) return { kind: 'lost_race', constraint: error.constraint ?? '' };
    throw error;
  }
  const row = result.rows[0] as {
    current_version: number;
    prior: PriorCommand | null;
    appended: (Omit<EventRow, 'recorded_at'> & { recorded_at: string })[];
  };
  if (row.prior) return { kind: 'duplicate_command', prior: row.prior };
  if (row.appended.length === 0) return { kind: 'wrong_version', currentVersion: row.current_version };
  return {
    kind: 'appended',
    events: row.appended.map((a) => toRecordedEvent({ ...a, recorded_at: new Date(a.recorded_at) })),
  };
};
