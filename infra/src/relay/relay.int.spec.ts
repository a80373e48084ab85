import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { pino } from 'pino';
import { type EventEnvelope, type NewEvent } from '@agent-platform/contracts';
import { createInProcessBroker } from '../broker/memory/inProcessBroker.js';
import type { Broker, Consumer, OutgoingMessage } from '../broker/port.js';
import { getCheckpoint } from '../checkpoints/postgres.js';
import { migrateToLatest } from '../db/migrations.js';
import { createKnex, createPool, type Knex, type Pool } from '../db/postgres.js';
import { createPostgresEventStore } from '../event-store/postgres/eventStore.js';
import { eventStoreMigrations } from '../event-store/postgres/schema.js';
import type { EventStore } from '../event-store/port.js';
import { capturingLogger } from '../testing/logs.js';
import { strictSessionClosedUpcaster, UNLIFTABLE_SESSION_CLOSED } from '../testing/upcasters.js';
import { describeOnEachPostgres } from '../testing/mocha.js';
import { relayName, startRelay } from './relay.js';

const silent = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const waitUntil = async (condition: () => boolean | Promise<boolean>, timeoutMs = 15_000) => {
  for (const deadline = Date.now() + timeoutMs; !(await condition()); await sleep(20)) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
  }
};
const event = (n: number): NewEvent => ({ type: 'SessionClosed', data: { session_id: randomUUID(), n }, metadata: { workspace_id: 'public' } });

/** Counts what a broker was asked to publish, and can refuse while `failing` is set. */
const instrumented = (broker: Broker) => {
  const published: OutgoingMessage[] = [];
  let failing = false;
  return {
    published,
    fail: (value: boolean) => void (failing = value),
    broker: {
      ...broker,
      name: broker.name,
      publish: async (messages: readonly OutgoingMessage[]) => {
        if (failing) throw new Error('broker unavailable');
        published.push(...messages);
        return broker.publish(messages);
      },
    } satisfies Broker,
  };
};

describeOnEachPostgres('outbox relay', ({ db }) => {
  let knex: Knex;
  let pool: Pool;
  let store: EventStore;
  let broker: Broker;
  let received: EventEnvelope[];
  let consumer: Consumer;
  beforeEach(async () => {
    knex = createKnex(db().url);
    await migrateToLatest(knex, [eventStoreMigrations]);
    await knex.raw('TRUNCATE ap_events, ap_checkpoints');
    pool = createPool(db().url, 10);
    store = createPostgresEventStore({ pool, listenConnectionString: db().url });
    broker = createInProcessBroker();
    received = [];
    consumer = await broker.consume({
      group: 'observer',
      subjects: ['agentplatform.events.>'],
      maxDeliver: 5,
      ackWaitMs: 5000,
      concurrency: 1,
      handle: async (d) => {
        received.push(JSON.parse(d.body));
        await d.ack();
      },
    });
  });
  afterEach(async () => {
    await consumer.stop();
    await broker.close();
    await store.close();
    await pool.end();
    await knex.destroy();
  });

  const appendMany = async (streams: number, perStream: number) => {
    const ids = Array.from({ length: streams }, () => `session-${randomUUID()}`);
    for (let i = 0; i < perStream; i++) {
      await Promise.all(ids.map((id) => store.append(id, [event(i)], { expectedVersion: 'any' })));
    }
    return ids;
  };
  const inStreamOrder = (streamIds: string[]) =>
    streamIds.every((id) => {
      const versions = received.filter((e) => e.subject === id).map((e) => e.streamversion);
      return versions.every((v, i) => v === i + 1);
    });

  it('publishes the log as CloudEvents on category/type subjects, in order per stream, and checkpoints after the ack', async () => {
    const streams = await appendMany(5, 10);
    const relay = startRelay({ store, broker, knex, pool, log: silent });
    try {
      await waitUntil(() => received.length === 50);
      expect(inStreamOrder(streams)).to.equal(true);
      expect(received[0]).to.include({ specversion: '1.0', type: 'SessionClosed', source: '/agent-platform/session', workspaceid: 'public' });
      // Saved a moment after the ack, not with it.
      const head = await store.headPosition();
      await waitUntil(async () => (await getCheckpoint(knex, relayName(broker))).globalPosition === head);
      expect(relay.status().leader).to.equal(true);
    } finally {
      await relay.stop();
    }
  });

  it('publishes an append after a quiet spell at once, and what follows within its linger in one batch', async () => {
    const counted = instrumented(broker);
    const batches: number[] = [];
    const relay = startRelay({
      store,
      broker: { ...counted.broker, publish: (messages) => (batches.push(messages.length), counted.broker.publish(messages)) },
      knex,
      pool,
      log: silent,
      lingerMs: 1000,
    });
    try {
      await waitUntil(() => relay.status().leader);
      await sleep(200);
      await store.append(`session-${randomUUID()}`, [event(0)], { expectedVersion: 'any' });
      await waitUntil(() => received.length === 1, 500);
      await appendMany(3, 2);
      await sleep(200);
      expect(received).to.have.length(1);
      await waitUntil(() => received.length === 7, 3000);
      expect(batches).to.deep.equal([1, 6]);
    } finally {
      const stopping = Date.now();
      await relay.stop();
      expect(Date.now() - stopping).to.be.below(1000);
    }
  });

  it('publishes an old event its upcaster cannot lift as stored, with the upcast error, and goes on past it', async () => {
    const upcaster = strictSessionClosedUpcaster();
    const lifting = createPostgresEventStore({ pool, listenConnectionString: db().url, upcaster });
    const relay = startRelay({ store: lifting, broker, knex, pool, log: silent });
    try {
      const stream = `session-${randomUUID()}`;
      await lifting.append(stream, [{ type: 'SessionClosed', schema_version: 1, data: { n: 0 }, metadata: { workspace_id: 'public' } }], {
        expectedVersion: 'any',
      });
      await lifting.append(stream, [event(1)], { expectedVersion: 'any' });
      await waitUntil(() => received.length === 2);
      expect(received[0]).to.include({ subject: stream, schemaversion: 1, upcasterror: UNLIFTABLE_SESSION_CLOSED });
      expect(received[0]!.data).to.deep.equal({ n: 0 });
      expect(received[1]).to.include({ subject: stream, schemaversion: 2 });
      expect(received[1]!.upcasterror).to.equal(undefined);
    } finally {
      await relay.stop();
      await lifting.close();
    }
  });

  it('keeps its checkpoint while the broker refuses, and publishes everything once it is back', async () => {
    const flaky = instrumented(broker);
    flaky.fail(true);
    const relay = startRelay({ store, broker: flaky.broker, knex, pool, log: silent });
    try {
      const streams = await appendMany(3, 5);
      await sleep(300);
      expect(received).to.have.length(0);
      expect((await getCheckpoint(knex, relayName(broker))).globalPosition).to.equal(0);
      flaky.fail(false);
      await waitUntil(() => received.length === 15);
      expect(inStreamOrder(streams)).to.equal(true);
    } finally {
      await relay.stop();
    }
  });

  it('logs a broker that refuses every page once in its window, not once per retry', async () => {
    const { log, lines } = capturingLogger();
    // Retries every 10 ms instead of every second: a minute of an outage in under a second.
    const quickStore = createPostgresEventStore({ pool, listenConnectionString: db().url, polling: { errorRetryMs: 10 } });
    const flaky = instrumented(broker);
    let refused = 0;
    flaky.fail(true);
    const relay = startRelay({
      store: quickStore,
      broker: { ...flaky.broker, publish: (messages) => (refused++, flaky.broker.publish(messages)) },
      knex,
      pool,
      log,
    });
    try {
      await appendMany(1, 1);
      await waitUntil(() => refused >= 30);
      flaky.fail(false);
      await waitUntil(() => received.length === 1);
      expect(lines.filter((l) => l.msg === 'relay page failed; retrying from its checkpoint')).to.have.length(1);
    } finally {
      await relay.stop();
      await quickStore.close();
    }
  });

  it('runs one relay at a time; when the leader stops the standby takes over, losing and reordering nothing', async () => {
    const a = instrumented(broker);
    const b = instrumented(broker);
    const first = startRelay({ store, broker: a.broker, knex, pool, log: silent, standbyRetryMs: 100 });
    await waitUntil(() => first.status().leader);
    const second = startRelay({ store, broker: b.broker, knex, pool, log: silent, standbyRetryMs: 100 });
    try {
      const streams = await appendMany(4, 5);
      await waitUntil(() => received.length === 20);
      expect(b.published).to.have.length(0);
      await first.stop();
      const more = await appendMany(4, 5);
      await waitUntil(() => received.length === 40);
      expect(second.status().leader).to.equal(true);
      expect(b.published.length).to.be.greaterThan(0);
      expect(new Set(received.map((e) => e.id)).size).to.equal(40);
      expect(inStreamOrder([...streams, ...more])).to.equal(true);
    } finally {
      await first.stop();
      await second.stop();
    }
  });
});
