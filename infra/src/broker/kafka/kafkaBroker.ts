import { Kafka, logLevel, Partitioners, type Admin, type KafkaConfig, type Producer } from 'kafkajs';
import { validateConsumeOptions } from '../consumeOptions.js';
import { BrokerClosed } from '../errors.js';
import type { Broker, Consumer } from '../port.js';
import { startMember } from './consumer.js';
import { createPublisher } from './publisher.js';
import { topicCreator } from './topics.js';

export type KafkaBrokerOptions = {
  /** `host:port` of the bootstrap brokers (AGENT_PLATFORM_KAFKA_BROKERS, comma-separated). */
  brokers: string[];
  clientId?: string;
  /** Partitions given to the category topics this broker creates; more partitions, more members per group. */
  partitions?: number;
  /** How long this process remembers a published id to report a re-publish as a duplicate. */
  duplicateWindowMs?: number;
  /** Anything else kafkajs takes: ssl, sasl, timeouts, a logCreator. */
  config?: Omit<KafkaConfig, 'brokers' | 'clientId'>;
};

/** Connects on first use; a failed connection is retried by the next caller. */
const lazily = <T>(connect: () => Promise<T>) => {
  let pending: Promise<T> | undefined;
  const get = () => {
    pending ??= connect().catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
  return { get, started: () => pending };
};

/**
 * The Broker port over Kafka with kafkajs (pure JavaScript, in maintenance mode, so it stays behind
 * the port). Topic per category, message key = stream id (per-aggregate order), the event id and
 * subject in headers, an idempotent producer, consumer groups. See publisher.ts and batch.ts for what
 * Kafka cannot do as JetStream does: dedup by id, and nak of one message.
 */
export const createKafkaBroker = (options: KafkaBrokerOptions): Broker => {
  const kafka = new Kafka({ logLevel: logLevel.WARN, ...options.config, brokers: options.brokers, clientId: options.clientId ?? 'agent-platform' });
  const partitions = options.partitions ?? 6;
  const admin = lazily(async (): Promise<Admin> => {
    const client = kafka.admin();
    await client.connect();
    return client;
  });
  const producer = lazily(async (): Promise<Producer> => {
    // Idempotent: the broker drops the producer's own retries; it needs acks = -1 and, in kafkajs, one request in flight.
    const client = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await client.connect();
    return client;
  });
  const ensureTopics = topicCreator(admin.get, partitions);
  const publish = createPublisher({ producer: producer.get, ensureTopics, duplicateWindowMs: options.duplicateWindowMs ?? 120_000 });
  const consumers = new Set<Consumer>();
  let closed = false;

  return {
    name: 'kafka',
    // Kafka's default `message.max.bytes` (1 MiB and a little), less room for the record's headers and key.
    maxMessageBytes: 1024 * 1024 - 4 * 1024,
    publish: async (messages) => {
      if (closed) throw new BrokerClosed();
      return messages.length === 0 ? [] : publish(messages);
    },
    consume: async (consumeOptions) => {
      if (closed) throw new BrokerClosed();
      validateConsumeOptions(consumeOptions);
      const member = await startMember(kafka, consumeOptions, { ensureTopics, partitions });
      const consumer: Consumer = {
        stop: async () => {
          if (!consumers.delete(consumer)) return;
          await member.stop();
        },
      };
      consumers.add(consumer);
      return consumer;
    },
    close: async () => {
      closed = true;
      await Promise.allSettled([...consumers].map((c) => c.stop()));
      await Promise.allSettled([producer.started(), admin.started()].map(async (client) => (await client)?.disconnect()));
    },
  };
};
