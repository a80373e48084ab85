import { z } from 'zod';
import type { RecordedEvent } from './events.js';
import { publishedTypeOf } from './integration.js';

/** Every event is published on `agentplatform.events.<category>.<EventType>`. */
export const SUBJECT_PREFIX = 'agentplatform.events';

/** A subject token: NATS separates tokens with `.` and treats `*` and `>` as wildcards, so those become `_`. */
const token = (value: string): string => value.replace(/[.*>\s]/g, '_');

export const subjectOf = (category: string, type: string): string => `${SUBJECT_PREFIX}.${token(category)}.${token(type)}`;

/**
 * The message other systems receive: a CloudEvents 1.0 JSON envelope of one recorded event, with
 * extensions for where it sits in the platform's log. Extension names are lowercase letters only,
 * as CloudEvents requires.
 */
export const EventEnvelope = z
  .object({
    specversion: z.literal('1.0'),
    id: z.string().uuid().describe('The event id; the broker deduplicates on it.'),
    type: z.string().describe('The event type, e.g. SessionOpened; for an event another system posted, the `event_type` it was posted with.'),
    source: z.string().describe('`/agent-platform/<category>`'),
    subject: z.string().describe('The stream id, `<category>-<id>`; events of one subject arrive in order.'),
    time: z.string().describe('When the event was recorded (RFC 3339).'),
    datacontenttype: z.literal('application/json'),
    data: z.unknown(),
    schemaversion: z.number().int().positive().describe('The version of `data`; see the JSON Schema of the type.'),
    workspaceid: z.string(),
    streamversion: z.number().int().positive(),
    globalposition: z.number().int().positive(),
    correlationid: z.string().optional(),
    causationid: z.string().optional(),
    upcasterror: z
      .string()
      .optional()
      .describe('Set only on an old event the platform could not lift to the current version: `data` and `schemaversion` are as stored.'),
    dataref: z
      .string()
      .optional()
      .describe(
        'Set only when the event is larger than the broker carries (CloudEvents claim check): `data` is left out, and the event is read from the log at this path of the query API, `GET /streams/<subject>?from_version=<streamversion>&limit=1`.',
      ),
  })
  .meta({ id: 'EventEnvelope' });
export type EventEnvelope = z.infer<typeof EventEnvelope>;

export const toEnvelope = (event: RecordedEvent, category: string): EventEnvelope => ({
  specversion: '1.0',
  id: event.event_id,
  type: publishedTypeOf(event.type),
  source: `/agent-platform/${category}`,
  subject: event.stream_id,
  time: event.recorded_at,
  datacontenttype: 'application/json',
  data: event.data,
  schemaversion: event.schema_version,
  workspaceid: event.metadata.workspace_id,
  streamversion: event.stream_version,
  globalposition: event.global_position,
  ...(event.metadata.correlation_id ? { correlationid: event.metadata.correlation_id } : {}),
  ...(event.metadata.causation_id ? { causationid: event.metadata.causation_id } : {}),
  ...(event.upcast_error !== undefined ? { upcasterror: event.upcast_error } : {}),
});

/** Where the query API serves the one event an envelope without `data` stands for. */
export const datarefOf = (event: Pick<RecordedEvent, 'stream_id' | 'stream_version'>): string =>
  `/streams/${encodeURIComponent(event.stream_id)}?from_version=${event.stream_version}&limit=1`;
