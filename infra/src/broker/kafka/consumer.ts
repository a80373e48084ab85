import type { Kafka } from 'kafkajs';
import { BrokerUnavailable } from '../errors.js';
import type { ConsumeOptions, Consumer } from '../port.js';
import { matchesAny } from '../subjects.js';
import { processBatch } from './batch.js';
import type { Member } from './delivery.js';
import { createSlots } from './slots.js';
import { ALL_CATEGORY_TOPICS, topicsFor } from './topics.js';

/** Errors that only mean the group is rebalancing: what they interrupted is redelivered, nothing to report. */
const REBALANCING = new Set(['REBALANCE_IN_PROGRESS', 'ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID', 'NOT_COORDINATOR', 'NOT_COORDINATOR_FOR_GROUP']);
const isRebalancing = (error: unknown) => REBALANCING.has((error as { type?: string } | undefined)?.type ?? '');

export type MemberSettings = {
  ensureTopics: (topics: readonly string[]) => Promise<unknown>;
  /** Partitions of one category topic: how many batches a member works on at once, at least. */
  partitions: number;
};

/**
 * One member of a consumer group: a kafkajs consumer with `groupId` = group, subscribed from the
 * beginning (a new group reads what was published before it existed), committing offsets itself
 * (`autoCommit: false`) once messages are settled. `concurrency` bounds the handlers running at
 * once across all its partitions; more partitions than that are worked on at once, so one waiting
 * out a nak delay does not hold the others back.
 */
export const startMember = async (kafka: Kafka, options: ConsumeOptions, settings: MemberSettings): Promise<Consumer> => {
  const { topics, everyCategory } = topicsFor(options.subjects);
  const stopped = new AbortController();
  const member: Member = { options, slots: createSlots(options.concurrency), running: new Set() };
  const batches = new Set<Promise<void>>();
  const report = (error: unknown) => {
    if (!stopped.signal.aborted && !isRebalancing(error)) options.onError?.(error);
  };
  const context = { member, matches: matchesAny(options.subjects), stopped: stopped.signal, onCommitError: report };

  const consumer = kafka.consumer({ groupId: options.group, allowAutoTopicCreation: false });
  consumer.on(consumer.events.CRASH, (event) => report(event.payload.error));
  try {
    await settings.ensureTopics(topics);
    await consumer.connect();
    // A pattern matches the topics that exist now; a category created later needs a new member.
    await consumer.subscribe({ topics: everyCategory ? [ALL_CATEGORY_TOPICS] : topics, fromBeginning: true });
    // Resolves once the member has joined the group and has its partitions.
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: Math.max(options.concurrency, settings.partitions),
      eachBatch: async (payload) => {
        const batch = processBatch(payload, context);
        batches.add(batch);
        try {
          await batch;
        } finally {
          batches.delete(batch);
        }
      },
    });
  } catch (error) {
    await consumer.disconnect().catch(() => undefined);
    throw new BrokerUnavailable(`could not join Kafka consumer group ${options.group}`, { cause: error });
  }

  return {
    stop: async () => {
      stopped.abort();
      // Batches end at once, after committing what was settled; handlers still running are waited for.
      await Promise.allSettled([...batches]);
      await Promise.allSettled([...member.running]);
      await consumer.disconnect();
    },
  };
};
