import { jetstream, jetstreamManager, JetStreamApiError } from '@nats-io/jetstream';
import { validateConsumeOptions } from '../consumeOptions.js';
import { BrokerClosed, BrokerRejected, BrokerUnavailable } from '../errors.js';
import type { Broker, Consumer } from '../port.js';
import { consumeGroup } from './consume.js';
import { ensureDurableConsumer, groupFilter } from './durableConsumer.js';
import { publishBatch } from './publish.js';
import { connectToNats, ensureStream, wireSubjects } from './setup.js';

export type NatsBrokerOptions = {
  servers: string | string[];
  streamName?: string;
  /** How long JetStream remembers a message id to drop a re-publish; its default is 2 minutes. */
  duplicateWindowMs?: number;
  /** Prepended to every subject on the wire; see `wireSubjects`. Empty in production. */
  subjectPrefix?: string;
  /** How long a publish waits for its ack before the batch fails. */
  publishTimeoutMs?: number;
  /** The client name the server shows in its connection list. */
  connectionName?: string;
};

/** Runs a setup call, turning a refusal by the server and a missing answer into the broker's errors. */
const setup = async <T>(what: string, call: () => Promise<T>): Promise<T> => {
  try {
    return await call();
  } catch (cause) {
    if (cause instanceof JetStreamApiError) throw new BrokerRejected(`NATS refused to ${what}`, cause);
    throw new BrokerUnavailable(`NATS did not answer when asked to ${what}`, { cause });
  }
};

/**
 * The Broker on NATS JetStream: one stream over the event subjects, one durable pull consumer per
 * group, explicit acks, `max_deliver`, and the message id as `Nats-Msg-Id` for deduplication.
 */
/** Bytes kept free of a message's `max_payload` for its headers. */
const NATS_HEADER_ROOM = 4 * 1024;

export const createNatsBroker = async (options: NatsBrokerOptions): Promise<Broker> => {
  const stream = options.streamName ?? 'AGENTPLATFORM_EVENTS';
  const subjects = wireSubjects(options.subjectPrefix);
  const nc = await connectToNats(options.servers, options.connectionName ?? 'agent-platform');
  const js = jetstream(nc);
  const jsm = await setup(`set up JetStream stream ${stream}`, async () => {
    const manager = await jetstreamManager(nc);
    await ensureStream(manager, { name: stream, subjects: subjects.stream, duplicateWindowMs: options.duplicateWindowMs ?? 120_000 });
    return manager;
  }).catch(async (error: unknown) => {
    await nc.close();
    throw error;
  });
  const consumers = new Set<Consumer>();
  let closed = false;

  return {
    name: 'nats',
    // Headers (message id, key, expectations) travel inside max_payload too.
    maxMessageBytes: (nc.info?.max_payload ?? 1024 * 1024) - NATS_HEADER_ROOM,

    publish: async (messages) => {
      if (closed) throw new BrokerClosed();
      return publishBatch({ js, stream, subjects, timeoutMs: options.publishTimeoutMs ?? 5_000 }, messages);
    },

    consume: async (consumeOptions) => {
      if (closed) throw new BrokerClosed();
      validateConsumeOptions(consumeOptions);
      const filter = groupFilter(nc, consumeOptions.subjects, subjects);
      await setup(`set up consumer ${consumeOptions.group}`, () => ensureDurableConsumer(jsm, stream, consumeOptions, filter));
      const member = await setup(`consume as ${consumeOptions.group}`, () => consumeGroup({ js, stream, subjects }, consumeOptions, filter));
      consumers.add(member);
      return {
        stop: async () => {
          consumers.delete(member);
          await member.stop();
        },
      };
    },

    /** Stops every member (waiting for running handlers), then drains the connection so pending acks go out. */
    close: async () => {
      if (closed) return;
      closed = true;
      await Promise.all([...consumers].map((c) => c.stop()));
      // Draining needs the server; while it is away there is nothing to flush, so just close.
      await nc.drain().catch(() => nc.close());
    },
  };
};
