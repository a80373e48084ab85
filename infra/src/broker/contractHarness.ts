import { randomUUID } from 'node:crypto';
import { SUBJECT_PREFIX, subjectOf } from '@agent-platform/contracts';
import type { Broker, ConsumeOptions, Consumer, Delivery, OutgoingMessage } from './port.js';

/** Test helpers of the broker contract suite: unique subjects, and consumers that record what they see. */

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** How long a test watches for a delivery that must not come. */
export const QUIET_MS = 1_500;

/** Every subject of one category. */
export const all = (category: string) => `${SUBJECT_PREFIX}.${category}.>`;

/** A category no other test (or run sharing the server) uses, so every test sees only its own messages. */
export const uniqueCategory = () => `t${randomUUID().replaceAll('-', '').slice(0, 16)}`;
export const uniqueGroup = () => `g${randomUUID().replaceAll('-', '').slice(0, 16)}`;

export const message = (category: string, type = 'A', key: string = randomUUID()): OutgoingMessage => ({
  id: randomUUID(),
  subject: subjectOf(category, type),
  key,
  body: JSON.stringify({ type, key, nonce: randomUUID() }),
});

/** Polls until `condition` holds; generous by default, since CI runs on two cores. */
export const waitUntil = async (condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> => {
  for (const deadline = Date.now() + timeoutMs; !condition(); await sleep(20)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
  }
};

export type Seen = { id: string; subject: string; key: string; body: string; attempt: number; at: number; member: string };

export const ids = (seen: readonly Seen[]) => seen.map((s) => s.id);

/** What a recording consumer does with a delivery after recording it; acking is the default. */
export type Reaction = (delivery: Delivery) => Promise<void>;

export type Recorder = { seen: Seen[]; acked: Set<string>; consumer: Consumer };

/** Starts consumers on one broker and stops whatever a test left running. */
export const consumerHarness = (broker: () => Broker) => {
  const running = new Set<Consumer>();
  const errors: unknown[] = [];

  const record = async (
    options: Partial<Omit<ConsumeOptions, 'handle'>> & { group: string; subjects: string[]; member?: string; react?: Reaction },
  ): Promise<Recorder> => {
    const { member = 'member', react = (d) => d.ack(), ...consumeOptions } = options;
    const seen: Seen[] = [];
    const acked = new Set<string>();
    const consumer = await broker().consume({
      maxDeliver: 10,
      ackWaitMs: 10_000,
      concurrency: 1,
      onError: (error) => errors.push(error),
      ...consumeOptions,
      handle: async (delivery) => {
        const { id, subject, key, body, attempt } = delivery;
        seen.push({ id, subject, key, body, attempt, at: Date.now(), member });
        const recorded: Delivery = {
          id,
          subject,
          key,
          body,
          attempt,
          ack: async () => {
            await delivery.ack();
            acked.add(id);
          },
          nak: (delayMs) => delivery.nak(delayMs),
          term: () => delivery.term(),
        };
        await react(recorded);
      },
    });
    running.add(consumer);
    return { seen, acked, consumer };
  };

  const stop = async (consumer: Consumer) => {
    running.delete(consumer);
    await consumer.stop();
  };

  /** Stops every consumer still running and returns the errors they reported. */
  const stopAll = async (): Promise<unknown[]> => {
    await Promise.all([...running].map(stop));
    return errors.splice(0);
  };

  return { record, stop, stopAll };
};

export type ContractContext = { broker: () => Broker } & Pick<ReturnType<typeof consumerHarness>, 'record' | 'stop'>;
