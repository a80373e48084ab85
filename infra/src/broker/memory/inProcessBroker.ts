import { validateConsumeOptions } from '../consumeOptions.js';
import { BrokerClosed } from '../errors.js';
import type { Broker, PublishAck } from '../port.js';
import { createGroup, type Group, type StoredMessage } from './group.js';

export type InProcessBrokerOptions = {
  /** How long a published id is remembered to drop a re-publish; JetStream's default is 2 minutes. */
  duplicateWindowMs?: number;
  /** The largest body it carries (none, in memory); specs make it small to see the relay's claim check. */
  maxMessageBytes?: number;
};

/**
 * The embedded default: the Broker semantics (at least once, durable groups, redelivery, maxDeliver,
 * dedup by id, per-key order) over an array in this process. Everything is lost when the process
 * ends, which is fine because the event store is the durable record and the relay republishes from it.
 * The log is never trimmed, since a group created later reads from its start.
 */
export const createInProcessBroker = (options: InProcessBrokerOptions = {}): Broker => {
  const duplicateWindowMs = options.duplicateWindowMs ?? 120_000;
  const log: StoredMessage[] = [];
  /** Publish time by id; a Map iterates in insertion order, which here is time order. */
  const recentIds = new Map<string, number>();
  const groups = new Map<string, Group>();
  let closed = false;

  const forgetOldIds = (now: number) => {
    for (const [id, at] of recentIds) {
      if (now - at < duplicateWindowMs) return;
      recentIds.delete(id);
    }
  };

  return {
    name: 'in-process',
    maxMessageBytes: options.maxMessageBytes ?? Number.MAX_SAFE_INTEGER,

    publish: async (messages) => {
      if (closed) throw new BrokerClosed();
      const now = Date.now();
      forgetOldIds(now);
      const acks = messages.map(({ id, subject, key, body }): PublishAck => {
        if (recentIds.has(id)) return { id, duplicate: true };
        recentIds.set(id, now);
        log.push({ id, subject, key, body });
        return { id, duplicate: false };
      });
      for (const group of groups.values()) group.pump();
      return acks;
    },

    consume: async (consumeOptions) => {
      if (closed) throw new BrokerClosed();
      validateConsumeOptions(consumeOptions);
      let group = groups.get(consumeOptions.group);
      if (!group) groups.set(consumeOptions.group, (group = createGroup(log, consumeOptions)));
      return group.join(consumeOptions);
    },

    close: async () => {
      closed = true;
      await Promise.all([...groups.values()].map((group) => group.close()));
    },
  };
};
