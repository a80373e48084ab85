import { z } from 'zod';
import { domains } from './domains.js';
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

/** An event a projection could not apply: it was parked after its retries, and the projection went on past it. */
export const ParkedEvent = z.object({
  global_position: z.number().int(),
  stream_id: z.string(),
  event_type: z.string(),
  event_id: z.string(),
  attempts: z.number().int(),
  error: z.object({
    message: z.string().describe('Bounded to 2,000 characters.'),
    code: z.string().nullable().describe('The SQLSTATE when PostgreSQL refused a statement; null when the projection threw.'),
  }),
  parked_at: z.string(),
});
export type ParkedEvent = z.infer<typeof ParkedEvent>;

/** The newest parked events of a projection listed in its status; `parked_events` counts them all. */
export const PARKED_EVENTS_LISTED = 20;

/**
 * Every projection by name, in one place: the projector that writes a read model and the queries that wait
 * for it name it from here, so a misspelt name is a type error rather than a query that answers 503.
 */
export const ProjectionName = z.enum(domains.flatMap((domain): readonly ProjectionOf<(typeof domains)[number]>[] => domain.projections));
export type ProjectionName = z.infer<typeof ProjectionName>;
type ProjectionOf<D> = D extends { projections: readonly (infer P)[] } ? P : never;

export const ProjectionStatus = z.object({
  name: z.string(),
  position: z.number().int(),
  head_position: z.number().int(),
  lag_events: z.number().int(),
  lag_seconds: z.number(),
  updated_at: z.string().nullable(),
  parked_events: z.number().int().describe('Events the projection could not apply and stepped over; its read model lacks their effect.'),
  parked: z.array(ParkedEvent).describe(`The newest ${PARKED_EVENTS_LISTED} parked events, newest first, with their errors.`),
});
export type ProjectionStatus = z.infer<typeof ProjectionStatus>;
