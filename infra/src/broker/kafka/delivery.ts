import type { ConsumeOptions, Delivery } from '../port.js';
import { sleep, type Slots } from './slots.js';

/** A consumed message of ours, read from its key, value and headers. */
export type Incoming = { id: string; subject: string; key: string; body: string };

/** What one member of a group shares between the partitions it consumes. */
export type Member = {
  options: ConsumeOptions;
  slots: Slots;
  /** Handler calls not yet returned; stop waits for them. */
  running: Set<Promise<void>>;
};

type Outcome = 'ack' | 'term' | { nak: number } | 'timeout' | 'aborted';

/**
 * One delivery: settles on the first of ack, term, nak, the ack wait running out, or abort. The slot
 * is given back when the handler returns, or at the ack wait if it is stuck, so a member runs at
 * most `concurrency` handlers besides stuck ones.
 */
const attemptOnce = (message: Incoming, attempt: number, member: Member, signal: AbortSignal): Promise<Outcome> =>
  new Promise((resolve) => {
    let released = false;
    const release = () => {
      if (!released) member.slots.release();
      released = true;
    };
    let settled = false;
    const settle = (outcome: Outcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      if (outcome === 'timeout' || outcome === 'aborted') release();
      resolve(outcome);
    };
    const timer = setTimeout(() => settle('timeout'), member.options.ackWaitMs);
    const onAbort = () => settle('aborted');
    signal.addEventListener('abort', onAbort, { once: true });
    const delivery: Delivery = {
      ...message,
      attempt,
      ack: async () => settle('ack'),
      term: async () => settle('term'),
      nak: async (delayMs) => settle({ nak: Math.max(0, delayMs) }),
    };
    const run = (async () => {
      try {
        await member.options.handle(delivery);
      } catch (error) {
        // Unsettled, it comes back after the ack wait, as if the member had died.
        member.options.onError?.(error);
      } finally {
        release();
      }
    })();
    member.running.add(run);
    void run.finally(() => member.running.delete(run));
  });

/**
 * Delivers a message until it is settled. Kafka cannot nak one message, so redelivery happens here,
 * in this member: after a nak's delay, or at once after the ack wait ran out, with `attempt` + 1.
 * After `maxDeliver` deliveries it gives up as a broker would, and the offset moves past the message.
 * Returns 'aborted' when the member stops or loses the partition: the message stays uncommitted.
 */
export const deliverUntilSettled = async (message: Incoming, member: Member, signal: AbortSignal): Promise<'done' | 'aborted'> => {
  for (let attempt = 1; ; attempt++) {
    if (!(await member.slots.acquire(signal))) return 'aborted';
    const outcome = await attemptOnce(message, attempt, member, signal);
    if (outcome === 'aborted') return 'aborted';
    if (outcome === 'ack' || outcome === 'term' || attempt >= member.options.maxDeliver) return 'done';
    if (outcome !== 'timeout' && !(await sleep(outcome.nak, signal))) return 'aborted';
  }
};
