import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { EventEnvelope } from '@agent-platform/contracts';
import {
  createKnex,
  createNatsBroker,
  createPool,
  createPostgresEventStore,
  getCheckpoint,
  migrateToLatest,
  relayName,
  type Broker,
  type EventStore,
  type Knex,
  type Pool,
} from '@agent-platform/infra';
import { describeOnEachPostgres, startNatsServer } from '@agent-platform/infra/testing';
import { MIGRATIONS } from '../platform.js';
import { sleep, startRole, waitUntil, type Child } from './children.js';
import { cleanups, complaintsOf, countOf, requirePrivateNats } from './fixtures.js';

const STREAMS = 6;
const BURST_STREAMS = 4;
const BURST_BATCHES = 10;
const BURST_BATCH = 50;
const TAKEOVER_LIMIT_MS = 10_000;

type Appended = { id: string; stream: string; version: number; at: number; position: number };

/** A relay process logs `relay leading` (JSON, pino) when it takes the lead; a standby logs nothing. */
const LEADING = /"msg":"relay leading"/;
const leads = (child: Child): number => child.logLines().filter((line) => line.msg === 'relay leading').length;

/**
 * Two relay processes (`start.ts --role relay`) on one database: one leads and publishes, the other
 * stands by. The leader is killed with SIGKILL while events are appended to several streams; the
 * standby takes over within seconds, and a consumer on the NATS stream gets every event, each stream in
 * order. The test migrates the database before starting them, and starts the second once the first
 * leads: processes that start together on an unmigrated database can fail in knex's migration
 * bookkeeping, which is not what this test is about.
 */
describeOnEachPostgres('fault: the leading relay process is killed with SIGKILL during appends', ({ db }) => {
  const after = cleanups();

  before(function () {
    requirePrivateNats(this);
  });
  afterEach(async function () {
    this.timeout(60_000);
    await after.run();
  });

  it('lets the standby take over within seconds; the NATS stream gets every event once, each stream in order', async function () {
    this.timeout(120_000);
    const nats = await startNatsServer();
    after.add(() => nats.dispose());
    const knex: Knex = createKnex(db().url);
    after.add(() => knex.destroy());
    await migrateToLatest(knex, MIGRATIONS);
    const pool: Pool = createPool(db().url, 10);
    after.add(() => pool.end());
    const store: EventStore = createPostgresEventStore({ pool });
    after.add(() => store.close());

    // A consumer of the NATS stream, in arrival order.
    const broker: Broker = await createNatsBroker({ servers: nats.url, connectionName: 'faults-observer' });
    after.add(() => broker.close());
    const arrived: Omit<Appended, 'position'>[] = [];
    await broker.consume({
      group: 'faults-observer',
      subjects: ['agentplatform.events.>'],
      maxDeliver: 100,
      ackWaitMs: 30_000,
      concurrency: 1,
      handle: async (delivery) => {
        // Parsed, not cast, as the processor runtime does: what arrives is checked to be an envelope.
        const envelope = EventEnvelope.parse(JSON.parse(delivery.body));
        arrived.push({ id: envelope.id, stream: envelope.subject, version: envelope.streamversion, at: Date.now() });
        await delivery.ack();
      },
    });

    const env = { AGENT_PLATFORM_DATABASE_URL: db().url, AGENT_PLATFORM_NATS_URL: nats.url, AGENT_PLATFORM_DB_POOL_SIZE: '5' };
    const first = startRole('relay 1', ['relay'], env);
    await first.waitForOutput(LEADING);
    const second = startRole('relay 2', ['relay'], env);
    await second.waitForOutput(/"msg":"broker ready"/);
    await sleep(1_500); // more than a standby's retry interval
    expect(leads(first), first.output()).to.equal(1);
    expect(leads(second), 'the standby leads too').to.equal(0);
    const advisoryLocks = () =>
      countOf(
        knex('pg_locks')
          .where({ locktype: 'advisory', granted: true })
          .whereRaw('database = (SELECT oid FROM pg_database WHERE datname = current_database())'),
      );
    expect(await advisoryLocks(), 'advisory locks held').to.equal(1);

    // Writers append to several streams, each at its own pace, through the failover.
    const appended: Appended[] = [];
    const token = randomBytes(4).toString('hex');
    /** Appends `count` events to a stream at `version`; returns its new version. */
    const append = async (stream: string, version: number, count: number): Promise<number> => {
      const events = Array.from({ length: count }, (_, i) => ({
        type: 'FaultTick',
        data: { n: version + i + 1 },
        metadata: { workspace_id: 'public' },
      }));
      const result = await store.append(stream, events, { expectedVersion: version === 0 ? 'no_stream' : version });
      const at = Date.now();
      for (const e of result.events) appended.push({ id: e.event_id, stream, version: e.stream_version, at, position: e.global_position });
      return result.nextExpectedVersion;
    };
    let writing = true;
    const writers = Array.from({ length: STREAMS }, async (_, k) => {
      for (let version = 0; writing; await sleep(5 + k * 3)) version = await append(`faultrelay-${token}:${k}`, version, 1);
    });
    const writersDone = Promise.all(writers);
    after.add(async () => {
      writing = false;
      await writersDone.catch(() => undefined);
    });

    await waitUntil('the leader publishing', () => arrived.length >= 50, 20_000);

    // A burst of larger transactions on more streams, so that the leader dies with pages to publish.
    const burst = Array.from({ length: BURST_STREAMS }, async (_, k) => {
      for (let version = 0; version < BURST_BATCHES * BURST_BATCH; ) version = await append(`faultburst-${token}:${k}`, version, BURST_BATCH);
    });
    const bursting = Promise.all(burst);
    after.add(() => bursting.catch(() => undefined));
    // The leader is killed once its checkpoint has moved into the burst: it is publishing it.
    const checkpoint = async () => (await getCheckpoint(knex, relayName({ name: 'nats' }))).globalPosition;
    await waitUntil(
      'the leader publishing the burst',
      async () => {
        const burstStart = Math.min(...appended.filter((a) => a.stream.startsWith('faultburst-')).map((a) => a.position));
        return (await checkpoint()) >= burstStart;
      },
      20_000,
      5,
    );
    expect(leads(second), 'the standby led while the leader lived').to.equal(0);
    const killedAt = Date.now();
    await first.kill();
    const backlogAtKill = (await store.headPosition()) - (await checkpoint());
    await bursting;
    await waitUntil(() => `the standby leading; its log:\n${second.output()}`, () => leads(second) === 1, 20_000, 20);
    const takeoverMs = Date.now() - killedAt;
    const appendedAt = () => new Map(appended.map((a) => [a.id, a.at] as const));
    const firstAfterKill = () => {
      const at = appendedAt();
      return arrived.find((a) => (at.get(a.id) ?? 0) > killedAt);
    };
    await waitUntil('an event appended after the kill arriving', () => Boolean(firstAfterKill()), 20_000);
    const resumedMs = firstAfterKill()!.at - killedAt;
    await sleep(2_000); // keep writing under the new leader
    writing = false;
    await writersDone;

    const want = new Set(appended.map((a) => a.id));
    const seen = () => new Set(arrived.map((a) => a.id));
    await waitUntil(
      () => `every appended event arriving; relay 2 complaints:\n${complaintsOf(second)}`,
      () => [...want].every((id) => seen().has(id)),
      30_000,
      100,
    );
    await sleep(500);

    const once = new Set<string>();
    const firstArrivals = arrived.filter((a) => !once.has(a.id) && Boolean(once.add(a.id)));
    const byStream = new Map<string, number[]>();
    for (const a of firstArrivals) byStream.set(a.stream, [...(byStream.get(a.stream) ?? []), a.version]);
    expect([...want].filter((id) => !seen().has(id)), 'events lost').to.deep.equal([]);
    for (const [stream, versions] of byStream) {
      const written = appended.filter((a) => a.stream === stream).length;
      expect(versions, `stream ${stream} in arrival order`).to.deep.equal(Array.from({ length: written }, (_, i) => i + 1));
    }
    expect(byStream.size).to.equal(STREAMS + BURST_STREAMS);
    expect(takeoverMs, 'takeover after the kill').to.be.below(TAKEOVER_LIMIT_MS);
    expect(leads(second)).to.equal(1);
    expect(second.alive()).to.equal(true);
    expect(await advisoryLocks(), 'advisory locks held').to.equal(1);
    const duplicates = arrived.length - firstArrivals.length;
    console.log(
      `      ${appended.length} events on ${STREAMS + BURST_STREAMS} streams; leader killed with ${backlogAtKill} positions unpublished; ` +
        `standby led ${takeoverMs} ms after the kill; the first event appended after the kill arrived ${resumedMs} ms after it; ` +
        `${duplicates} duplicate deliveries`,
    );
  });
});
