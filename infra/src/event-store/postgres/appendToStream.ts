import { randomUUID } from 'node:crypto';
import type { NewEvent, RecordedEvent } from '@agent-platform/contracts';
import { isPgError, PG_UNIQUE_VIOLATION, type Queryable } from '../../db/postgres.js';

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
  RETURNING global_position, stream_version, transaction_id, recorded_at
), command AS (
  INSERT INTO ap_commands (command_id, stream_id, fingerprint, first_version, last_version, last_position)
  SELECT $8, $1, $9, min(stream_version), max(stream_version), max(global_position)
  FROM appended WHERE $8::text IS NOT NULL HAVING count(*) > 0
)
SELECT (SELECT version FROM current) AS current_version,
       (SELECT row_to_json(prior) FROM prior) AS prior,
       (SELECT json_agg(global_position ORDER BY stream_version) FROM appended) AS positions,
       (SELECT min(stream_version) FROM appended) AS first_version,
       (SELECT min(transaction_id)::text FROM appended) AS transaction_id,
       (SELECT min(recorded_at) FROM appended) AS recorded_at`;

export const appendToStream = async (
  db: Queryable,
  streamId: string,
  events: readonly NewEvent[],
  options: { expectedVersion: number | null; commandId?: string | undefined; commandFingerprint?: string | undefined },
): Promise<AppendOutcome> => {
  const eventIds = events.map((e) => e.event_id ?? randomUUID());
  let result;
  try {
    // Named, so each connection parses and plans it once: planning this statement costs more than running it.
    result = await db.query({
      name: 'ap_append_to_stream',
      text: APPEND_SQL,
      values: [
        streamId,
        options.expectedVersion,
        eventIds,
        events.map((e) => e.type),
        events.map((e) => e.schema_version ?? 1),
        events.map((e) => JSON.stringify(e.data)),
        events.map((e) => JSON.stringify(e.metadata)),
        options.commandId ?? null,
        options.commandFingerprint ?? null,
      ],
    });
  } catch (error) {
    if (isPgError(error, PG_UNIQUE_VIOLATION)) return { kind: 'lost_race', constraint: error.constraint ?? '' };
    throw error;
  }
  const row = result.rows[0] as {
    current_version: number;
    prior: PriorCommand | null;
    positions: number[] | null;
    first_version: number;
    transaction_id: string;
    recorded_at: Date;
  };
  if (row.prior) return { kind: 'duplicate_command', prior: row.prior };
  if (!row.positions) return { kind: 'wrong_version', currentVersion: row.current_version };
  // Only what the server assigned comes back; the rest is what the caller sent.
  const recordedAt = row.recorded_at.toISOString();
  return {
    kind: 'appended',
    events: events.map((e, i) => ({
      global_position: row.positions![i]!,
      transaction_id: row.transaction_id,
      stream_id: streamId,
      stream_version: row.first_version + i,
      event_id: eventIds[i]!,
      type: e.type,
      schema_version: e.schema_version ?? 1,
      data: e.data,
      metadata: e.metadata,
      recorded_at: recordedAt,
    })),
  };
};
