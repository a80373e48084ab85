import { EventEnvelope } from '@agent-platform/contracts';
import type { Delivery, EventStore } from '@agent-platform/infra';

/** Where a message that is not an event envelope went wrong: the paths and messages only, never the body. */
export type NotAnEnvelope = { reason: string; issues: { path: string; message: string }[] };

/**
 * A delivery's body, parsed as the envelope the relay publishes. The subjects are open to any publisher
 * on the broker, so the body is checked here, at the edge, rather than trusted: a handler gets the shape
 * its type says, or no call at all.
 */
export const envelopeOf = (delivery: Pick<Delivery, 'body'>): { envelope: EventEnvelope } | { invalid: NotAnEnvelope } => {
  let json: unknown;
  try {
    json = JSON.parse(delivery.body);
  } catch {
    // JSON.parse's message quotes the body, which may hold anything: it is left out of the log.
    return { invalid: { reason: 'not JSON', issues: [] } };
  }
  const parsed = EventEnvelope.safeParse(json);
  if (parsed.success) return { envelope: parsed.data };
  const issues = parsed.error.issues.slice(0, 10).map((i) => ({ path: i.path.join('.'), message: i.message }));
  return { invalid: { reason: 'not an event envelope', issues } };
};

/**
 * The event an envelope without `data` stands for (the relay's claim check, for an event larger than the
 * broker carries), read from the log where the envelope says, upcast as every read is; none when the log
 * holds no such event (a message of another publisher): the stream and version name it, its id must match.
 */
export const claimed = async (store: EventStore, envelope: EventEnvelope): Promise<EventEnvelope | undefined> => {
  const [event] = await store.readStream(envelope.subject, { fromVersion: envelope.streamversion, toVersion: envelope.streamversion });
  if (!event || event.event_id !== envelope.id) return undefined;
  const { dataref: _dataref, ...rest } = envelope;
  return {
    ...rest,
    data: event.data,
    schemaversion: event.schema_version,
    ...(event.upcast_error !== undefined ? { upcasterror: event.upcast_error } : {}),
  };
};
