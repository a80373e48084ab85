import { EventEnvelope } from '@agent-platform/contracts';
import type { Delivery } from '@agent-platform/infra';

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
