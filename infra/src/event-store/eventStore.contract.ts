import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { z } from 'zod';
import {
  defineEvent,
  ExpectedVersionConflict,
  IdempotencyKeyReused,
  type NewEvent,
  type RecordedEvent,
} from '@agent-platform/contracts';
import { LOG_START, type EventStore, type LogCheckpoint, type ReadAllOptions } from './port.js';
import { createUpcaster, UpcastFailed, type Upcaster } from './upcasting.js';

/** A transaction the test holds open on purpose, for stores whose clients can see transactions. */
export type OpenTransaction = {
  append: (streamId: string, events: NewEvent[]) => Promise<void>;
  commit: () => Promise<void>;
  rollback: () => Promise<void>;
};

export type EventStoreFixture = {
  store: EventStore;
  beginTransaction?: () => Promise<OpenTransaction>;
  /** Every event id in the store, by a full scan that bypasses the reader under test. */
  allEventIds?: () => Promise<string[]>;
  teardown: () => Promise<void>;
};

export type EventStoreFactory = (options: { upcaster: Upcaster }) => Promise<EventStoreFixture>;

const ThingRenamed = defineEvent('TestThingRenamed', z.object({ thing_id: z.string(), display_name: z.string() }), {
  category: 'test',
  description: 'test event at version 2; version 1 called the field `name`',
  version: 2,
  upcasters: {
    1: (data) => {
      const { thing_id, name } = data as { thing_id: string; name?: unknown };
      if (typeof name !== 'string') throw new Error('version 1 has no name to lift');
      return { thing_id, display_name: name };
    },
  },
});

const event = (type = 'TestHappened', data: unknown = { n: 1 }): NewEvent => ({
  type,
  data,
  metadata: { workspace_id: 'public', correlation_id: randomUUID() },
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const stream = () => `test-${randomUUID()}`;

/**
 * Reads the log from a point to its end. The horizon is server-wide, so a transaction that another
 * test (or database) holds open may hide committed events for a moment: keep reading until nothing is hidden.
 */
const readFrom = async (store: EventStore, from: LogCheckpoint): Promise<RecordedEvent[]> => {
  const out: RecordedEvent[] = [];
  let after = from;
  for (const deadline = Date.now() + 10_000; ; ) {
    const page = await store.readAll({ after, limit: 1000 });
    out.push(...page.events);
    after = page.checkpoint;
    if (page.scanned === 0 && (!page.blockedByOpenTransaction || Date.now() > deadline)) return out;
    if (page.scanned === 0) await sleep(5);
  }
};
const readEverything = (store: EventStore) => readFrom(store, LOG_START);
/** One page, read again while a transaction open elsewhere on the server hides part of it. */
const readPage = async (store: EventStore, options: ReadAllOptions) => {
  for (const deadline = Date.now() + 10_000; ; await sleep(5)) {
    const page = await store.readAll(options);
    if (!page.blockedByOpenTransaction || page.scanned >= options.limit || Date.now() > deadline) return page;
  }
};
const pointOf = (e: RecordedEvent | undefined): LogCheckpoint =>
  e ? { transactionId: e.transaction_id, globalPosition: e.global_position } : LOG_START;

/** The behaviour every EventStore adapter must show; run it once per adapter. */
export const eventStoreContract = (factory: EventStoreFactory): void => {
  let fixture: EventStoreFixture;
  let store: EventStore;
  before(async () => {
    fixture = await factory({ upcaster: createUpcaster([ThingRenamed]) });
    store = fixture.store;
  });
  after(async () => fixture?.teardown());

  describe('appending with an expected version', () => {
    it('appends to a new stream with no_stream and numbers versions from 1', async () => {
      const id = stream();
      const result = await store.append(id, [event(), event()], { expectedVersion: 'no_stream' });
      expect(result.nextExpectedVersion).to.equal(2);
      expect(result.events.map((e) => e.stream_version)).to.deep.equal([1, 2]);
      expect(result.lastPosition).to.equal(result.events[1]!.global_position);
      expect(result.duplicate).to.equal(false);
    });

    it('refuses no_stream on an existing stream', async () => {
      const id = stream();
      await store.append(id, [event()], { expectedVersion: 'no_stream' });
      const error = await store.append(id, [event()], { expectedVersion: 'no_stream' }).catch((e) => e);
      expect(error).to.be.instanceOf(ExpectedVersionConflict);
      expect(error.code).to.equal('EXPECTED_VERSION_CONFLICT');
    });

    it('refuses an exact version that is behind or ahead of the stream', async () => {
      const id = stream();
      await store.append(id, [event(), event()], { expectedVersion: 'no_stream' });
      for (const wrong of [1, 3]) {
        const error = await store.append(id, [event()], { expectedVersion: wrong }).catch((e) => e);
        expect(error).to.be.instanceOf(ExpectedVersionConflict);
        expect(error.actual).to.equal(2);
      }
      const ok = await store.append(id, [event()], { expectedVersion: 2 });
      expect(ok.nextExpectedVersion).to.equal(3);
    });

    it('reads a stream back in version order, and a slice of it', async () => {
      const id = stream();
      await store.append(id, [event('A'), event('B'), event('C')], { expectedVersion: 'any' });
      expect((await store.readStream(id)).map((e) => e.type)).to.deep.equal(['A', 'B', 'C']);
      expect((await store.readStream(id, { fromVersion: 2, toVersion: 2 })).map((e) => e.type)).to.deep.equal(['B']);
      expect(await store.readStream(stream())).to.deep.equal([]);
    });

    it('keeps every metadata field', async () => {
      const id = stream();
      const metadata = {
        workspace_id: 'ws-1',
        command_id: 'c-1',
        correlation_id: 'corr-1',
        causation_id: 'cause-1',
        request_id: 'req-1',
        user_id: 'user-1',
      };
      await store.append(id, [{ type: 'T', data: { x: 1 }, metadata }], { expectedVersion: 'any' });
      const [read] = await store.readStream(id);
      expect(read!.metadata).to.deep.equal(metadata);
      expect(read!.data).to.deep.equal({ x: 1 });
    });

    it('gives 50 concurrent appenders on one stream versions 1..N with no gap or duplicate, and losers a conflict', async () => {
      const id = stream();
      let conflicts = 0;
      const perAppender = 3;
      await Promise.all(
        Array.from({ length: 50 }, async (_, appender) => {
          for (let done = 0; done < perAppender; ) {
            const version = (await store.readStream(id)).length;
            try {
              await store.append(id, [event('Counted', { appender })], {
                expectedVersion: version === 0 ? 'no_stream' : version,
              });
              done++;
            } catch (error) {
              if (!(error instanceof ExpectedVersionConflict)) throw error;
              conflicts++;
            }
          }
        }),
      );
      const versions = (await store.readStream(id)).map((e) => e.stream_version);
      expect(versions).to.deep.equal(Array.from({ length: 50 * perAppender }, (_, i) => i + 1));
      expect(conflicts).to.be.greaterThan(0);
    });

    it('gives 50 concurrent `any` appenders one version each, none lost', async () => {
      const id = stream();
      await Promise.all(Array.from({ length: 50 }, () => store.append(id, [event()], { expectedVersion: 'any' })));
      const versions = (await store.readStream(id)).map((e) => e.stream_version);
      expect(versions).to.deep.equal(Array.from({ length: 50 }, (_, i) => i + 1));
    });
  });

  describe('idempotent commands', () => {
    it('appends nothing for a retried command id and returns the first result', async () => {
      const id = stream();
      const commandId = randomUUID();
      const first = await store.append(id, [event('A'), event('B')], { expectedVersion: 'no_stream', commandId });
      const again = await store.append(id, [event('A'), event('B')], { expectedVersion: 'no_stream', commandId });
      expect(again.duplicate).to.equal(true);
      expect(again.lastPosition).to.equal(first.lastPosition);
      expect(again.events.map((e) => e.event_id)).to.deep.equal(first.events.map((e) => e.event_id));
      expect(await store.readStream(id)).to.have.length(2);
    });

    it('appends once when the same command id races with itself', async () => {
      const id = stream();
      const commandId = randomUUID();
      const results = await Promise.all(
        Array.from({ length: 10 }, () => store.append(id, [event()], { expectedVersion: 'any', commandId })),
      );
      expect(results.filter((r) => !r.duplicate)).to.have.length(1);
      expect(new Set(results.map((r) => r.lastPosition)).size).to.equal(1);
      expect(await store.readStream(id)).to.have.length(1);
    });

    it('finds a handled command by its id, and nothing for an unknown id', async () => {
      const commandId = randomUUID();
      const first = await store.append(stream(), [event()], { expectedVersion: 'any', commandId, commandFingerprint: 'f' });
      const found = await store.findCommand(commandId, 'f');
      expect(found!.duplicate).to.equal(true);
      expect(found!.lastPosition).to.equal(first.lastPosition);
      expect(await store.findCommand(randomUUID())).to.equal(undefined);
      expect(await store.findCommand(commandId, 'other').catch((e) => e)).to.be.instanceOf(IdempotencyKeyReused);
    });

    it('refuses a command id reused for a different request', async () => {
      const id = stream();
      const commandId = randomUUID();
      await store.append(id, [event()], { expectedVersion: 'any', commandId, commandFingerprint: 'a' });
      const error = await store
        .append(id, [event()], { expectedVersion: 'any', commandId, commandFingerprint: 'b' })
        .catch((e) => e);
      expect(error).to.be.instanceOf(IdempotencyKeyReused);
      expect(await store.readStream(id)).to.have.length(1);
    });
  });

  describe('upcasting', () => {
    it('reads an old event version in the current shape, from a stream and from the log', async () => {
      const id = stream();
      const appended = await store.append(
        id,
        [{ type: ThingRenamed.type, schema_version: 1, data: { thing_id: 't1', name: 'Old' }, metadata: { workspace_id: 'public' } }],
        { expectedVersion: 'any' },
      );
      const [fromStream] = await store.readStream(id);
      expect(fromStream!.schema_version).to.equal(2);
      expect(fromStream!.data).to.deep.equal({ thing_id: 't1', display_name: 'Old' });
      const fromLog = (await readEverything(store)).find((e) => e.event_id === appended.events[0]!.event_id);
      expect(fromLog!.data).to.deep.equal({ thing_id: 't1', display_name: 'Old' });
    });

    it('delivers an old event its upcaster cannot lift from the log as stored, with the upcast error, and the events after it; a stream read refuses it', async () => {
      const id = stream();
      const old = { type: ThingRenamed.type, schema_version: 1, data: { thing_id: 't2' }, metadata: { workspace_id: 'public' } };
      const before = await readEverything(store);
      await store.append(id, [old, event('AfterTheUnliftable')], { expectedVersion: 'any' });
      const [unliftable, next] = await readFrom(store, pointOf(before[before.length - 1]));
      expect(unliftable).to.include({ type: ThingRenamed.type, schema_version: 1, upcast_error: 'version 1 has no name to lift' });
      expect(unliftable!.data).to.deep.equal({ thing_id: 't2' });
      expect(next).to.include({ type: 'AfterTheUnliftable' });
      expect(next!.upcast_error).to.equal(undefined);
      const delivered: RecordedEvent[] = [];
      const subscription = store.subscribe({
        from: pointOf(before[before.length - 1]),
        handle: async (events) => void delivered.push(...events),
      });
      try {
        for (const deadline = Date.now() + 10_000; delivered.length < 2 && Date.now() < deadline; ) await sleep(10);
      } finally {
        await subscription.stop();
      }
      expect(delivered.map((e) => [e.type, e.upcast_error])).to.deep.equal([
        [ThingRenamed.type, 'version 1 has no name to lift'],
        ['AfterTheUnliftable', undefined],
      ]);
      const refused = await store.readStream(id).catch((e: unknown) => e);
      expect(refused).to.be.instanceOf(UpcastFailed);
      expect((refused as Error).message).to.match(/TestThingRenamed at position \d+ from version 1 failed: version 1 has no name to lift/);
    });
  });

  describe('the global log', () => {
    it('returns events once, in order, from any checkpoint', async () => {
      const before = await readEverything(store);
      const id = stream();
      await store.append(id, [event('A'), event('B')], { expectedVersion: 'any' });
      await store.append(id, [event('C')], { expectedVersion: 'any' });
      const all = await readEverything(store);
      expect(all.slice(before.length).map((e) => e.type)).to.deep.equal(['A', 'B', 'C']);
      const from = pointOf(before[before.length - 1]);
      const page = await readPage(store, { after: from, limit: 2 });
      expect(page.events.map((e) => e.type)).to.deep.equal(['A', 'B']);
      const rest = await readPage(store, { after: page.checkpoint, limit: 10 });
      expect(rest.events.map((e) => e.type)).to.deep.equal(['C']);
    });

    it('filters by type yet moves the checkpoint past what it filtered out', async () => {
      const id = stream();
      const head = await readEverything(store);
      const last = head[head.length - 1]!;
      await store.append(id, [event('Wanted'), event('Other'), event('Other')], { expectedVersion: 'any' });
      const page = await readPage(store, { after: pointOf(last), limit: 10, types: ['Wanted'] });
      expect(page.events.map((e) => e.type)).to.deep.equal(['Wanted']);
      expect(page.scanned).to.equal(3);
      expect(page.checkpoint.globalPosition).to.equal(await store.headPosition());
    });

    it('finds the log point of a position', async () => {
      const result = await store.append(stream(), [event()], { expectedVersion: 'any' });
      const point = await store.checkpointOf(result.lastPosition);
      expect(point!.globalPosition).to.equal(result.lastPosition);
      expect(await store.checkpointOf(result.lastPosition + 1_000_000)).to.equal(undefined);
    });

    it('delivers to a live subscription what is appended after it started', async () => {
      const seen: string[] = [];
      const start = await readEverything(store);
      const last = start[start.length - 1]!;
      const subscription = store.subscribe({
        from: { transactionId: last.transaction_id, globalPosition: last.global_position },
        handle: async (events) => {
          seen.push(...events.map((e) => e.event_id));
        },
      });
      const appended = await store.append(stream(), [event(), event()], { expectedVersion: 'any' });
      for (let i = 0; i < 200 && seen.length < 2; i++) await sleep(10);
      await subscription.stop();
      expect(seen).to.deep.equal(appended.events.map((e) => e.event_id));
    });
  });

  describe('gap safety', function () {
    const needsTransactions = function (this: Mocha.Context) {
      if (!fixture.beginTransaction || !fixture.allEventIds) this.skip();
    };
    /**
     * The transactions a test began and has not ended. A test failing while it held one open left it
     * holding the server-wide horizon and a connection; the database's drop then broke that connection
     * under the next target's hooks, which failed and hid its 19 tests.
     */
    const open = new Set<OpenTransaction>();
    const begin = async (): Promise<OpenTransaction> => {
      const tx = await fixture.beginTransaction!();
      const ended = (end: () => Promise<void>) => () => {
        open.delete(tracked);
        return end();
      };
      const tracked: OpenTransaction = { append: (streamId, events) => tx.append(streamId, events), commit: ended(() => tx.commit()), rollback: ended(() => tx.rollback()) };
      open.add(tracked);
      return tracked;
    };
    afterEach(async () => {
      await Promise.all([...open].map((tx) => tx.rollback().catch(() => undefined)));
    });

    it('never skips an event whose transaction is still open while a later one commits', async function () {
      needsTransactions.call(this);
      const head = await readEverything(store);
      const last = head[head.length - 1];
      const from = last ? { transactionId: last.transaction_id, globalPosition: last.global_position } : LOG_START;
      const slow = await begin();
      await slow.append(stream(), [event('Slow')]); // takes the lower position, commits last
      await store.append(stream(), [event('Fast')], { expectedVersion: 'any' });

      const whileOpen = await store.readAll({ after: from, limit: 100 });
      expect(whileOpen.events.map((e) => e.type)).to.not.include('Fast');
      expect(whileOpen.blockedByOpenTransaction).to.equal(true);

      await slow.commit();
      expect((await readFrom(store, whileOpen.checkpoint)).map((e) => e.type)).to.deep.equal(['Slow', 'Fast']);
    });

    it('does not stall on the position a rolled-back transaction took', async function () {
      needsTransactions.call(this);
      const head = await readEverything(store);
      const last = head[head.length - 1];
      const from = last ? { transactionId: last.transaction_id, globalPosition: last.global_position } : LOG_START;
      const doomed = await begin();
      await doomed.append(stream(), [event('Doomed')]);
      await store.append(stream(), [event('Kept')], { expectedVersion: 'any' });
      await doomed.rollback();
      expect((await readFrom(store, from)).map((e) => e.type)).to.deep.equal(['Kept']);
    });

    it('gives a live reader every committed event exactly once under 16 writers with delays and rollbacks', async function () {
      needsTransactions.call(this);
      this.timeout(120_000);
      const seen: string[] = [];
      const subscription = store.subscribe({
        from: LOG_START,
        batchSize: 50,
        handle: async (events) => {
          seen.push(...events.map((e) => e.event_id));
        },
      });
      let committed = 0;
      await Promise.all(
        Array.from({ length: 16 }, async (_, writer) => {
          for (let i = 0; i < 25; i++) {
            const tx = await begin();
            await tx.append(`stress-${writer}-${i % 3}`, [event('Stress', { writer, i }), event('Stress', { writer, i })]);
            await sleep(Math.random() * 15);
            if (Math.random() < 0.25) await tx.rollback();
            else {
              await tx.commit();
              committed += 2;
            }
          }
        }),
      );
      const expected = await fixture.allEventIds!();
      for (let i = 0; i < 1000 && seen.length < expected.length; i++) await sleep(10);
      await subscription.stop();
      expect(committed).to.be.greaterThan(0);
      expect(new Set(seen).size).to.equal(seen.length, 'an event was delivered twice');
      expect([...seen].sort()).to.deep.equal([...expected].sort());
    });
  });
};
