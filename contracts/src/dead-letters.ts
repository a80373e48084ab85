import { z } from 'zod';
import { defineCommand } from './commands.js';
import { defineDomain } from './domain.js';
import { defineEvent, type EventOf } from './events.js';

/**
 * The domain is `dead-letters` (its HTTP path, folders and projection), but its category stays `deadletter`:
 * the category is stored in every stream id (`deadletter-<id>`) and names the broker subjects and Kafka
 * topic, so renaming it would orphan recorded streams and consumers. The same holds for the event types,
 * the `rm_dead_letters` table, the `dead-letter` id namespace and the `dead-letter-retrier` group.
 */
export const DEAD_LETTERS_CATEGORY = 'deadletter';

/** What the processor runtime knows of the event it gave up on. */
const FailedEvent = z.object({
  consumer_group: z.string(),
  event_id: z.string().uuid(),
  event_type: z.string(),
  event_stream_id: z.string(),
  event_stream_version: z.number().int().positive(),
  event_global_position: z.number().int().positive(),
});
const Failure = z.object({ attempts: z.number().int().positive(), error: z.object({ name: z.string(), message: z.string() }) });

export const DeadLetterStatus = z.enum(['dead', 'retrying', 'resolved']);
export type DeadLetterStatus = z.infer<typeof DeadLetterStatus>;

// Commands.
export const RecordDeadLetter = FailedEvent.extend(Failure.shape).extend({ dead_letter_id: z.string().uuid(), workspace_id: z.string() });
export const RequestDeadLetterRetry = z.object({ dead_letter_id: z.string().uuid(), workspace_id: z.string() });
export const ResolveDeadLetter = z.object({ dead_letter_id: z.string().uuid(), workspace_id: z.string() });
export const DeadLetterCommand = z.discriminatedUnion('type', [
  defineCommand('RecordDeadLetter', RecordDeadLetter),
  defineCommand('RequestDeadLetterRetry', RequestDeadLetterRetry),
  defineCommand('ResolveDeadLetter', ResolveDeadLetter),
]);
export type DeadLetterCommand = z.infer<typeof DeadLetterCommand>;

// Events.
export const DeadLettered = defineEvent('DeadLettered', FailedEvent.extend(Failure.shape).extend({ dead_letter_id: z.string().uuid() }), {
  category: DEAD_LETTERS_CATEGORY,
  description: 'A consumer group gave up on an event after its last allowed attempt; the error is kept for inspection.',
});
export const DeadLetterRetryRequested = defineEvent('DeadLetterRetryRequested', z.object({ dead_letter_id: z.string().uuid() }), {
  category: DEAD_LETTERS_CATEGORY,
  description: 'Someone asked to hand the dead-lettered event to its consumer group again.',
});
export const DeadLetterResolved = defineEvent('DeadLetterResolved', z.object({ dead_letter_id: z.string().uuid() }), {
  category: DEAD_LETTERS_CATEGORY,
  description: 'A retried dead-lettered event was handled successfully.',
});
export const deadLetterEvents = [DeadLettered, DeadLetterRetryRequested, DeadLetterResolved] as const;
export type DeadLetterEvent =
  | EventOf<typeof DeadLettered>
  | EventOf<typeof DeadLetterRetryRequested>
  | EventOf<typeof DeadLetterResolved>;

// Read model.
export const DeadLetterView = z.object({
  id: z.string().uuid(),
  workspace_id: z.string(),
  consumer_group: z.string(),
  event_id: z.string().uuid(),
  event_type: z.string(),
  event_stream_id: z.string(),
  event_global_position: z.number().int(),
  attempts: z.number().int(),
  error: z.object({ name: z.string(), message: z.string() }),
  status: DeadLetterStatus,
  retries: z.number().int(),
  created_time: z.string(),
  updated_time: z.string(),
});
export type DeadLetterView = z.infer<typeof DeadLetterView>;

export const ListDeadLettersQuery = z.object({
  status: DeadLetterStatus.optional(),
  consumer_group: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().optional(),
});

export const deadLettersDomain = defineDomain({ name: 'dead-letters', events: deadLetterEvents, projections: ['dead-letters'] });
