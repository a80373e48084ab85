import type { Message, Producer } from 'kafkajs';
import { BrokerUnavailable } from '../errors.js';
import type { OutgoingMessage, PublishAck } from '../port.js';
import { ID_HEADER, SUBJECT_HEADER } from './batch.js';
import { topicOf } from './topics.js';

export type PublisherOptions = {
  producer: () => Promise<Producer>;
  ensureTopics: (topics: readonly string[]) => Promise<unknown>;
  /** How long this process remembers a published id; 0 remembers nothing. */
  duplicateWindowMs: number;
};

const toKafkaMessage = (m: OutgoingMessage): Message => ({
  key: m.key,
  value: m.body,
  headers: { [ID_HEADER]: m.id, [SUBJECT_HEADER]: m.subject },
});

/**
 * Publishes batches one after the other (the idempotent producer keeps per-partition order only for
 * sends it sequences itself), each as one `sendBatch` acknowledged by all in-sync replicas.
 *
 * Kafka has no dedup by message id across separate sends (the idempotent producer only drops its own
 * retries of one send). So a re-published id is recognised only if this process published it within
 * `duplicateWindowMs`, like the in-process broker's window; a re-publish from another process (a
 * new relay leader) goes out again, and consumers dedupe by event id, as the processor runtime does.
 */
export const createPublisher = (options: PublisherOptions) => {
  /** Publish time by id; a Map iterates in insertion order, which here is time order. */
  const recent = new Map<string, number>();
  let queue: Promise<unknown> = Promise.resolve();

  const publishNow = async (messages: readonly OutgoingMessage[]): Promise<PublishAck[]> => {
    const now = Date.now();
    for (const [id, at] of recent) {
      if (now - at < options.duplicateWindowMs) break;
      recent.delete(id);
    }
    const seen = new Set<string>();
    const acks = messages.map((m): PublishAck => {
      const duplicate = recent.has(m.id) || seen.has(m.id);
      seen.add(m.id);
      return { id: m.id, duplicate };
    });
    const byTopic = new Map<string, Message[]>();
    messages.forEach((m, i) => {
      if (acks[i]!.duplicate) return;
      const topic = topicOf(m.subject);
      const batch = byTopic.get(topic) ?? [];
      batch.push(toKafkaMessage(m));
      byTopic.set(topic, batch);
    });
    if (byTopic.size === 0) return acks;
    try {
      await options.ensureTopics([...byTopic.keys()]);
      const producer = await options.producer();
      await producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, batch]) => ({ topic, messages: batch })) });
    } catch (error) {
      throw new BrokerUnavailable(`Kafka did not acknowledge a batch of ${messages.length} messages`, { cause: error });
    }
    if (options.duplicateWindowMs > 0) {
      const at = Date.now();
      messages.forEach((m, i) => acks[i]!.duplicate || recent.set(m.id, at));
    }
    return acks;
  };

  return (messages: readonly OutgoingMessage[]): Promise<PublishAck[]> => {
    const result = queue.then(() => publishNow(messages));
    queue = result.catch(() => undefined);
    return result;
  };
};
