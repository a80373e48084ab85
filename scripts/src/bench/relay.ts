import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  createKnex,
  createLogger,
  createNatsBroker,
  createPool,
  createPostgresEventStore,
  LOG_START,
  startRelay,
  toMessage,
  type Broker,
  type EventStore,
  type LogCheckpoint,
  type OutgoingMessage,
  type Pool,
} from '@agent-platform/infra';
import { withCleanup } from './cleanup.js';
import { createBenchDatabase } from './database.js';
import { freshStream, sessionMessages, withRoom } from './events.js';
import { openNats, uniqueNamespace, type BenchNats } from './nats.js';

export const RELAY_EVENTS = 50_000;
/** 5 appends of 10 events per stream: the log holds 1,000 sessions of 50 messages. */
export const FILL_BATCH = 10;
const FILL_WORKERS = 16;
/** The relay's default page: it publishes a page pipelined and awaits every ack before the next. */
const WINDOW = 500;
const CATCH_UP_TIMEOUT_MS = 180_000;

/** Shares of the relay's time: reading pages, awaiting publish acks, the rest (envelopes, checkpoint). */
export type RelayShares = { read: number; publish: number; rest: number };
export type RelayResult = { events: number; relayPerSecond: number; rawPerSecond: number; shares: RelayShares };

const fillLog = async (store: EventStore, total: number): Promise<void> => {
  let claimed = 0;
  const worker = async () => {
    let stream = freshStream();
    while (claimed < total) {
      claimed += FILL_BATCH;
      stream = withRoom(stream);
      const commandId = randomUUID();
      const result = await store.append(stream.id, sessionMessages(stream, FILL_BATCH, commandId), {
        expectedVersion: stream.version === 0 ? 'no_stream' : stream.version,
        commandId,
      });
      stream.version = result.nextExpectedVersion;
    }
  };
  await Promise.all(Array.from({ length: FILL_WORKERS }, worker));
};

/**
 * The whole log as the relay turns it into messages, read before the clock starts, and where the
 * relay's checkpoint stands once it has it all. That is the last event in log order, which need not
 * hold the highest position: positions come from a sequence, in another order than commits.
 */
const readLog = async (store: EventStore): Promise<{ messages: OutgoingMessage[]; end: LogCheckpoint }> => {
  const messages: OutgoingMessage[] = [];
  for (let after = LOG_START; ; ) {
    const page = await store.readAll({ after, limit: 5_000 });
    if (page.scanned === 0) return { messages, end: after };
    messages.push(...page.events.map(toMessage));
    after = page.checkpoint;
  }
};

/** The client's limit: the same subjects, bodies and ids, `WINDOW` publishes in flight, then their acks. */
const rawPublish = async (nats: BenchNats, subjectPrefix: string, messages: readonly OutgoingMessage[]) => {
  const started = performance.now();
  for (let i = 0; i < messages.length; i += WINDOW) {
    const acks = await Promise.all(
      messages.slice(i, i + WINDOW).map((m) => nats.js.publish(`${subjectPrefix}.${m.subject}`, m.body, { msgID: m.id })),
    );
    if (acks.some((ack) => ack.duplicate)) throw new Error('raw publish: JetStream took a fresh message for a duplicate');
  }
  return (messages.length * 1000) / (performance.now() - started);
};

/** Times the relay's page loop from outside: the subscription handler is publish plus checkpoint. */
const instrumented = (store: EventStore, broker: Broker) => {
  const spent = { handleMs: 0, publishMs: 0 };
  const timed = async <T>(work: () => Promise<T>, add: (ms: number) => void): Promise<T> => {
    const started = performance.now();
    try {
      return await work();
    } finally {
      add(performance.now() - started);
    }
  };
  return {
    spent,
    store: {
      ...store,
      subscribe: (o) =>
        store.subscribe({ ...o, handle: (events, cp) => timed(() => o.handle(events, cp), (ms) => (spent.handleMs += ms)) }),
    } satisfies EventStore,
    broker: {
      ...broker,
      publish: (messages) => timed(() => broker.publish(messages), (ms) => (spent.publishMs += ms)),
    } satisfies Broker,
  };
};

/**
 * Relay throughput: a fresh database holding `RELAY_EVENTS` session messages, relayed from the log
 * start into a stream of this run until its checkpoint reaches the end of the log; beside it, a raw
 * pipelined JetStream publish of the same messages into another stream of this run.
 */
export const measureRelay = (admin: Pool, serverUrl: string, natsUrl: string): Promise<RelayResult> =>
  withCleanup(async (defer) => {
    const database = await createBenchDatabase(admin, serverUrl);
    defer('drop the relay bench database', database.drop);
    const nats = await openNats(natsUrl);
    defer('close the NATS connection', nats.close);
    const relayNs = uniqueNamespace();
    const rawNs = uniqueNamespace();
    defer(`delete NATS stream ${relayNs.streamName}`, () => nats.deleteStream(relayNs.streamName));
    defer(`delete NATS stream ${rawNs.streamName}`, () => nats.deleteStream(rawNs.streamName));

    const pool = createPool(database.url);
    defer('close the relay pool', () => pool.end());
    const knex = createKnex(database.url);
    defer('close the relay knex', () => knex.destroy());
    const store = createPostgresEventStore({ pool });
    console.error(`  filling the log with ${RELAY_EVENTS.toLocaleString('en-US')} events`);
    await fillLog(store, RELAY_EVENTS);
    const { messages, end } = await readLog(store);
    const atEnd = (checkpoint: LogCheckpoint | undefined): boolean =>
      checkpoint?.transactionId === end.transactionId && checkpoint.globalPosition === end.globalPosition;

    // The same stream settings as the relay's: the broker adapter creates both streams.
    await (await createNatsBroker({ servers: natsUrl, ...rawNs })).close();
    await admin.query('CHECKPOINT');
    console.error('  raw JetStream publish');
    const rawPerSecond = await rawPublish(nats, rawNs.subjectPrefix, messages);

    const broker = await createNatsBroker({ servers: natsUrl, ...relayNs });
    defer('close the relay broker', () => broker.close());
    const timed = instrumented(store, broker);
    await admin.query('CHECKPOINT');
    console.error('  relay');
    const started = performance.now();
    const relay = startRelay({ store: timed.store, broker: timed.broker, knex, pool, log: createLogger('silent') });
    defer('stop the relay', relay.stop);
    while (!atEnd(relay.status().checkpoint)) {
      if (performance.now() - started > CATCH_UP_TIMEOUT_MS) {
        throw new Error(`the relay did not reach the end of the log within ${CATCH_UP_TIMEOUT_MS / 1000} s`);
      }
      await sleep(2);
    }
    const elapsedMs = performance.now() - started;
    const { published } = relay.status();
    if (published !== messages.length) throw new Error(`the relay published ${published} of ${messages.length} events`);
    const { handleMs, publishMs } = timed.spent;
    return {
      events: messages.length,
      relayPerSecond: (messages.length * 1000) / elapsedMs,
      rawPerSecond,
      shares: { read: 1 - handleMs / elapsedMs, publish: publishMs / elapsedMs, rest: (handleMs - publishMs) / elapsedMs },
    };
  });
