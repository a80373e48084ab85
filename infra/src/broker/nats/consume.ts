import { PubHeaders, type JetStreamClient, type JsMsg } from '@nats-io/jetstream';
import { BrokerUnavailable } from '../errors.js';
import type { ConsumeOptions, Consumer, Delivery } from '../port.js';
import type { GroupFilter } from './durableConsumer.js';
import { KEY_HEADER } from './publish.js';
import type { WireSubjects } from './setup.js';

export type ConsumeSource = { js: JetStreamClient; stream: string; subjects: WireSubjects };

const toDelivery = (m: JsMsg, subjects: WireSubjects): Delivery => {
  // Every message we publish has both headers; the fallbacks keep a foreign message deliverable.
  const id = m.headers?.get(PubHeaders.MsgIdHdr) || `${m.info.stream}:${m.seq}`;
  return {
    id,
    subject: subjects.fromWire(m.subject),
    key: m.headers?.get(KEY_HEADER) || id,
    body: m.string(),
    attempt: m.info.deliveryCount,
    // ackAck waits for the server to confirm, so a processor knows its ack was not lost on the way.
    ack: async () => {
      try {
        await m.ackAck();
      } catch (cause) {
        throw new BrokerUnavailable(`NATS did not confirm the ack of message ${id}`, { cause });
      }
    },
    nak: async (delayMs) => m.nak(Math.max(0, delayMs)),
    term: async () => m.term(),
  };
};

/**
 * Runs one member of a group on its durable consumer. The client pulls at most `concurrency` messages
 * ahead and the loop starts a handler only when one of the `concurrency` slots is free, so a member
 * holds at most twice `concurrency` unacked deliveries: `ackWaitMs` must cover handling them in turn.
 */
export const consumeGroup = async (source: ConsumeSource, options: ConsumeOptions, filter: GroupFilter): Promise<Consumer> => {
  const consumer = await source.js.consumers.get(source.stream, options.group);
  const messages = await consumer.consume({ max_messages: options.concurrency });
  const running = new Set<Promise<void>>();
  let stopping = false;

  const handle = async (m: JsMsg) => {
    try {
      await options.handle(toDelivery(m, source.subjects));
    } catch (error) {
      // The delivery stays unsettled and comes back after the ack wait, as if this member had died.
      options.onError?.(error);
    }
  };

  const loop = (async () => {
    try {
      for await (const m of messages) {
        if (!filter.wanted(m.subject)) {
          m.ack();
          continue;
        }
        while (running.size >= options.concurrency && !stopping) await Promise.race(running);
        // Messages pulled but not started go back at once, rather than after the ack wait.
        if (stopping) {
          m.nak();
          continue;
        }
        const run = handle(m);
        running.add(run);
        void run.finally(() => running.delete(run));
      }
    } catch (error) {
      options.onError?.(error);
    }
  })();

  return {
    stop: async () => {
      stopping = true;
      messages.stop();
      await loop;
      await Promise.all(running);
    },
  };
};
