import { createHash } from 'node:crypto';
import { EventMetadata, type NewEvent, type RecordedEvent } from '@agent-platform/contracts';
import {
  jsonEvent,
  NO_STREAM,
  START,
  type AppendStreamState,
  type EventData,
  type JSONType,
  type Position,
  type ReadPosition,
  type RecordedEvent as KurrentRecordedEvent,
} from '@kurrent/kurrentdb-client';
import type { ExpectedVersion, LogCheckpoint } from '../port.js';

/*
 * Everything that translates between our event model and KurrentDB's lives here, so the rest of
 * the adapter never touches a bigint or a 0-based revision.
 *
 * Positions. KurrentDB places every event at a `{commit, prepare}` pair of byte offsets in its
 * transaction log, and `$all` is ordered by that pair. Our `LogCheckpoint` maps onto it one to one:
 * `transactionId` = commit position as a decimal string, `globalPosition` = prepare position.
 * Every event written by a normal append commits itself, so the server reports commit = prepare for
 * it (only the legacy explicit transactions of EventStoreDB before v24 had commit > prepare).
 * Offsets stay far below 2^53, so they fit a JS number.
 */

export const toReadPosition = (checkpoint: LogCheckpoint): ReadPosition =>
  checkpoint.transactionId === '0' && checkpoint.globalPosition === 0
    ? START
    : { commit: BigInt(checkpoint.transactionId), prepare: BigInt(checkpoint.globalPosition) };

export const toCheckpoint = (position: Position): LogCheckpoint => ({
  transactionId: position.commit.toString(10),
  globalPosition: Number(position.prepare),
});

/** Whether an event at `position` lies strictly after `checkpoint` in `$all` order. */
export const isAfter = (position: Position, checkpoint: LogCheckpoint): boolean => {
  const commit = BigInt(checkpoint.transactionId);
  return position.commit > commit || (position.commit === commit && position.prepare > BigInt(checkpoint.globalPosition));
};

/** Our versions are 1-based and KurrentDB's revisions 0-based: version n is revision n - 1. */
export const toStreamState = (expected: ExpectedVersion): AppendStreamState =>
  expected === 'any' ? 'any' : expected === 'no_stream' || expected === 0 ? NO_STREAM : BigInt(expected - 1);

/** The stream's version from the revision a `WrongExpectedVersionError` reports. */
export const versionOfRevision = (revision: bigint | 'no_stream'): number =>
  revision === 'no_stream' ? 0 : Number(revision) + 1;

const SCHEMA_VERSION_KEY = 'ap_schema_version';

export const toEventData = (event: NewEvent, id: string): EventData =>
  jsonEvent({
    id,
    type: event.type,
    data: event.data as JSONType,
    // `$correlationId`/`$causationId` are the names KurrentDB's own projections ($by_correlation_id) read.
    metadata: {
      ...event.metadata,
      [SCHEMA_VERSION_KEY]: event.schema_version ?? 1,
      ...(event.metadata.correlation_id ? { $correlationId: event.metadata.correlation_id } : {}),
      ...(event.metadata.causation_id ? { $causationId: event.metadata.causation_id } : {}),
    },
  });

export class MissingPositionError extends Error {
  override name = 'MissingPositionError';
  constructor(eventId: string) {
    super(`event ${eventId} came without a log position; the KurrentDB adapter needs EventStoreDB 22.6 or later`);
  }
}

/** Parsed like a database row: the metadata keeps only our fields, so the wire-only keys drop out. */
export const toRecordedEvent = (event: KurrentRecordedEvent): RecordedEvent => {
  if (!event.position) throw new MissingPositionError(event.id);
  const raw = (typeof event.metadata === 'object' && event.metadata !== null ? event.metadata : {}) as Record<string, unknown>;
  const checkpoint = toCheckpoint(event.position);
  return {
    global_position: checkpoint.globalPosition,
    transaction_id: checkpoint.transactionId,
    stream_id: event.streamId,
    stream_version: Number(event.revision) + 1,
    event_id: event.id,
    type: event.type,
    schema_version: typeof raw[SCHEMA_VERSION_KEY] === 'number' ? raw[SCHEMA_VERSION_KEY] : 1,
    data: event.data,
    metadata: EventMetadata.parse(raw),
    recorded_at: event.created.toISOString(),
  };
};

const EVENT_ID_NAMESPACE = '0f6d1c2e-5b7a-4c1e-9a43-2f8e6b1d7c55';

/** RFC 9562 UUID version 5 (SHA-1, name-based): the same name always gives the same id. */
export const uuidV5 = (name: string, namespace: string): string => {
  const hash = createHash('sha1').update(Buffer.from(namespace.replace(/-/g, ''), 'hex')).update(name, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};

/**
 * The id of the index-th event of a command. A retry of the command sends the same ids, and
 * KurrentDB acknowledges a re-sent append of ids it already holds without writing them again.
 */
export const commandEventId = (commandId: string, index: number): string => uuidV5(`${commandId}:${index}`, EVENT_ID_NAMESPACE);
