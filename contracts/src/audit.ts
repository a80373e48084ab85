import { z } from 'zod';
import { RecordedEvent } from './events.js';

export const ListEventsQuery = z.object({
  after: z.coerce.number().int().nonnegative().default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  type: z.string().optional(),
  stream_prefix: z.string().optional(),
});
export type ListEventsQuery = z.infer<typeof ListEventsQuery>;

/** A page of the global log; pass `next_after` as `after` to continue. */
export const EventPage = z.object({ items: z.array(RecordedEvent), next_after: z.number().int() });

/** Stream versions are PostgreSQL `integer`s: a version past this one cannot exist, and a query for it would fail. */
export const MAX_STREAM_VERSION = 2_147_483_647;

/** A page of one stream, from `from_version` on, at most `limit` events: a 30 MB stream no longer answers in one piece. */
export const StreamQuery = z.object({
  from_version: z.coerce.number().int().positive().max(MAX_STREAM_VERSION).default(1),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
export type StreamQuery = z.infer<typeof StreamQuery>;

/** `version` is the version of the page's last event; pass `next_from_version` as `from_version` to continue (null: the stream ends here). */
export const StreamEvents = z.object({
  stream_id: z.string(),
  version: z.number().int(),
  events: z.array(RecordedEvent),
  next_from_version: z.number().int().positive().nullable(),
});

export const ProjectionStatus = z.object({
  name: z.string(),
  position: z.number().int(),
  head_position: z.number().int(),
  lag_events: z.number().int(),
  lag_seconds: z.number(),
  updated_at: z.string().nullable(),
});
export type ProjectionStatus = z.infer<typeof ProjectionStatus>;
