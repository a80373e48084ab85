import type { RecordedEvent } from '@agent-platform/contracts';

export const EVENT_COLUMNS = `global_position, transaction_id::text AS transaction_id, stream_id, stream_version,
  event_id, type, schema_version, data, metadata, recorded_at`;

export type EventRow = Omit<RecordedEvent, 'recorded_at'> & { recorded_at: Date };

export const toRecordedEvent = (row: EventRow): RecordedEvent => ({
  global_position: row.global_position,
  transaction_id: row.transaction_id,
  stream_id: row.stream_id,
  stream_version: row.stream_version,
  event_id: row.event_id,
  type: row.type,
  schema_version: row.schema_version,
  data: row.data,
  metadata: row.metadata,
  recorded_at: row.recorded_at.toISOString(),
});
