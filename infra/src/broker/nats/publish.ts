import { headers } from '@nats-io/transport-node';
import { JetStreamApiError, type JetStreamClient } from '@nats-io/jetstream';
import { BrokerRejected, BrokerUnavailable } from '../errors.js';
import type { OutgoingMessage, PublishAck } from '../port.js';
import type { WireSubjects } from './setup.js';

/** The ordering key travels in a header, so the body stays the plain CloudEvents envelope. */
export const KEY_HEADER = 'Agent-Platform-Key';

export type PublishTarget = { js: JetStreamClient; stream: string; subjects: WireSubjects; timeoutMs: number };

/**
 * Publishes a batch pipelined: every message is written before any ack is awaited. Order still holds:
 * one connection carries a client's messages to the server in the order written, and the stream
 * stores them in the order they arrive. A failure voids that for what follows it (a message lost in a
 * reconnect while later ones, still buffered, get through), so the batch fails as a whole and the
 * caller re-publishes it from its first message: ids turn the stored ones into duplicates. A message
 * that overtook a lost one stays ahead of it, which is why envelopes carry the stream version.
 */
export const publishBatch = async (target: PublishTarget, messages: readonly OutgoingMessage[]): Promise<PublishAck[]> => {
  const pending = messages.map((message) => {
    const h = headers();
    h.set(KEY_HEADER, message.key);
    return target.js.publish(target.subjects.toWire(message.subject), message.body, {
      msgID: message.id,
      headers: h,
      timeout: target.timeoutMs,
      // A misconfigured server could route a subject to another stream: refuse rather than scatter.
      expect: { streamName: target.stream },
    });
  });
  const settled = await Promise.allSettled(pending);
  return settled.map((outcome, i): PublishAck => {
    const id = messages[i]!.id;
    if (outcome.status === 'fulfilled') return { id, duplicate: outcome.value.duplicate };
    const cause: unknown = outcome.reason;
    // The server answered and said no (a wrong stream, a message too large): retrying will not help.
    if (cause instanceof JetStreamApiError) throw new BrokerRejected(`NATS refused message ${id}`, cause);
    throw new BrokerUnavailable(`NATS did not acknowledge message ${id}`, { cause });
  });
};
