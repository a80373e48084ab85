import { connect, nanos, type NatsConnection } from '@nats-io/transport-node';
import {
  DiscardPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  type JetStreamManager,
} from '@nats-io/jetstream';
import { SUBJECT_PREFIX } from '@agent-platform/contracts';
import { BrokerUnavailable } from '../errors.js';

/**
 * Where the platform's subjects sit on the wire. Without a prefix they are the public subjects other
 * systems consume; a prefix (`<prefix>.agentplatform.events.…`) lets several deployments or test runs
 * share one NATS account, where two streams may not capture the same subjects.
 */
export type WireSubjects = {
  stream: string;
  toWire: (subject: string) => string;
  fromWire: (subject: string) => string;
};

export const wireSubjects = (prefix = ''): WireSubjects => {
  const head = prefix ? `${prefix}.` : '';
  return {
    stream: `${head}${SUBJECT_PREFIX}.>`,
    toWire: (subject) => `${head}${subject}`,
    fromWire: (subject) => (subject.startsWith(head) ? subject.slice(head.length) : subject),
  };
};

/**
 * Connects once, failing fast when the server is absent at startup; afterwards the client reconnects
 * forever, since a broker outage must not close a long-running service's connection for good.
 */
export const connectToNats = async (servers: string | string[], name: string): Promise<NatsConnection> => {
  try {
    // No async stack traces: nats.js would otherwise capture two stacks for every request, that is for
    // every message the relay publishes and every ack a processor confirms; our errors say which
    // message failed, and their cause keeps what NATS answered.
    return await connect({ servers, name, maxReconnectAttempts: -1, reconnectTimeWait: 500, noAsyncTraces: true });
  } catch (cause) {
    throw new BrokerUnavailable(`cannot connect to NATS at ${String(servers)}`, { cause });
  }
};

export type StreamSettings = { name: string; subjects: string; duplicateWindowMs: number };

/**
 * Creates the stream, or brings an existing one to these settings. File storage survives a server
 * restart, but JetStream fsyncs only every `sync_interval` (2 minutes by default), so a machine crash
 * can lose recent messages: the event store, not the broker, is the durable record, and the relay
 * republishes from it.
 */
export const ensureStream = async (jsm: JetStreamManager, settings: StreamSettings): Promise<void> => {
  const changeable = { subjects: [settings.subjects], duplicate_window: nanos(settings.duplicateWindowMs) };
  try {
    await jsm.streams.info(settings.name);
    await jsm.streams.update(settings.name, changeable);
  } catch (error) {
    if (!(error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound)) throw error;
    await jsm.streams.add({
      ...changeable,
      name: settings.name,
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      discard: DiscardPolicy.Old,
    });
  }
};
