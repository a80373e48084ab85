import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import type { NewEvent, RecordedEvent } from '@agent-platform/contracts';
import { createKnex, createPool, type Pool } from '../db/postgres.js';
import { migrateToLatest } from '../db/migrations.js';
import { describeOnEachPostgres } from '../testing/mocha.js';
import type { EventStore } from './port.js';
import { appendToStream } from './postgres/appendToStream.js';
import { createPostgresEventStore } from './postgres/eventStore.js';
import { eventStoreMigrations } from './postgres/schema.js';
import { watchStream } from './streamWatcher.js';

const event = (n: number): NewEvent => ({ type: 'TestHappened', data: { n }, metadata: { workspace_id: 'public' } });
const newStream = () => `test-${randomUUID()}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The store with its subscriptions counted; a fresh object also gets a hub of its own. */
const counted = (store: EventStore) => {
  const counts = { subscribed: 0, stopped: 0 };
  const wrapped: EventStore = {
    ...store,
    subscribe: (options) => {
      counts.subscribed++;
      const subscription = store.subscribe(options);
      return {
        done: subscription.done,
        stop: async () => {
          counts.stopped++;
          await subscription.stop();
        },
        hurry: subscription.hurry,
      };
    },
  };
  return { store: wrapped, counts };
};

/** A watch read step by step; `take(n)` fails if the events do not come within the time. */
const watch = (store: EventStore, streamId: string, afterVersion: number) => {
  const controller = new AbortController();
  const iterator = watchStream(store, streamId, { afterVersion, signal: controller.signal })[Symbol.asyncIterator]();
  const take = async (count: number, timeoutMs = 10_000): Promise<RecordedEvent[]> => {
    const out: RecordedEvent[] = [];
    const deadline = Date.now() + timeoutMs;
    while (out.length < count) {
      const next = await Promise.race([iterator.next(), sleep(Math.max(0, deadline - Date.now())).then(() => 'timeout' as const)]);
      if (next === 'timeout') throw new Error(`only ${out.length} of ${count} events came within ${timeoutMs} ms`);
      if (next.done) throw new Error(`the watch ended after ${out.length} of ${count} events`);
      out.push(next.value);
    }
    return out;
  };
  // A generator paused at a `yield` runs again only when asked for its next value: `stop` asks, as a `for await` would.
  const stop = async () => {
    controller.abort();
    await iterator.return(undefined);
  };
  return { take, next: () => iterator.next(), abort: () => controller.abort(), stop };
};

const until = async (condition: () => boolean, timeoutMs = 5_000) => {
  for (const deadline = Date.now() + timeoutMs; !condition(); await sleep(10)) {
    if (Date.now() > deadline) throw new Error('the condition did not hold in time');
  }
};

describeOnEachPostgres('watching one stream (watchStream)', ({ db }) => {
  let pool: Pool;
  let store: EventStore & { ready: Promise<void> };
  const append = (streamId: string, ...ns: number[]) => store.append(streamId, ns.map(event), { expectedVersion: 'any' });

  before(async () => {
    const { url } = db();
    const knex = createKnex(url);
    await migrateToLatest(knex, [eventStoreMigrations]);
    await knex.destroy();
    pool = createPool(url, 10);
    store = createPostgresEventStore({ pool, listenConnectionString: url });
    await store.ready;
  });
  after(async () => {
    await store?.close();
    await pool?.end();
  });

  it('yields the events after the version asked for, then each one as it is appended, and none of other streams', async () => {
    const [mine, other] = [newStream(), newStream()];
    await append(mine, 1, 2, 3);
    await append(other, 1);
    const w = watch(store, mine, 1);
    expect((await w.take(2)).map((e) => [e.stream_version, (e.data as { n: number }).n])).to.deep.equal([
      [2, 2],
      [3, 3],
    ]);
    await append(other, 2);
    await append(mine, 4);
    await append(mine, 5, 6);
    expect((await w.take(3)).map((e) => [e.stream_id, e.stream_version])).to.deep.equal([
      [mine, 4],
      [mine, 5],
      [mine, 6],
    ]);
    await w.stop();
  });

  it('returns quietly when the signal aborts while it waits for the next event', async () => {
    const mine = newStream();
    await append(mine, 1);
    const w = watch(store, mine, 0);
    await w.take(1);
    const pending = w.next();
    await sleep(50);
    w.abort();
    expect(await pending).to.deep.equal({ done: true, value: undefined });
  });

  it('yields nothing once the signal has aborted', async () => {
    const mine = newStream();
    await append(mine, 1);
    const controller = new AbortController();
    controller.abort();
    const seen: RecordedEvent[] = [];
    for await (const e of watchStream(store, mine, { afterVersion: 0, signal: controller.signal })) seen.push(e);
    expect(seen).to.deep.equal([]);
  });

  it('waits for a stream that does not exist yet', async () => {
    const mine = newStream();
    const w = watch(store, mine, 0);
    await sleep(50);
    await append(mine, 1);
    expect((await w.take(1)).map((e) => e.stream_version)).to.deep.equal([1]);
    await w.stop();
  });

  it('yields each version once and in order while appends race with its catch-up', async () => {
    const mine = newStream();
    await append(mine, 0);
    const appends = Array.from({ length: 40 }, (_, i) => sleep(i % 10).then(() => append(mine, i + 1)));
    const w = watch(store, mine, 0);
    const seen = await w.take(41);
    await Promise.all(appends);
    expect(seen.map((e) => e.stream_version)).to.deep.equal(Array.from({ length: 41 }, (_, i) => i + 1));
    await append(mine, 99);
    expect((await w.take(1))[0]!.stream_version).to.equal(42);
    await w.stop();
  });

  it('shares one subscription among the watchers of a store, stops it when the last leaves, and starts anew after', async () => {
    const { store: shared, counts } = counted(store);
    const [a, b] = [newStream(), newStream()];
    const wa = watch(shared, a, 0);
    const wb = watch(shared, b, 0);
    const [firstA, firstB] = [wa.take(1), wb.take(1)];
    await until(() => counts.subscribed === 1);
    await append(a, 1);
    await append(b, 1);
    await firstA;
    await firstB;
    expect(counts).to.deep.equal({ subscribed: 1, stopped: 0 });
    await wa.stop();
    await append(b, 2);
    await wb.take(1);
    expect(counts.stopped).to.equal(0);
    await wb.stop();
    await until(() => counts.stopped === 1);

    const again = watch(shared, a, 1);
    const next = again.take(1);
    await until(() => counts.subscribed === 2);
    await append(a, 2);
    expect((await next)[0]!.stream_version).to.equal(2);
    await again.stop();
    await until(() => counts.stopped === 2);
  });

  // Regression: the shared subscription starts at the head of the log, and an event that an older
  // transaction commits after that sorts before the head: the watch must still yield it.
  it('yields an event committed late by a transaction older than the head it started from', async () => {
    const { store: fresh } = counted(store);
    const mine = newStream();
    const client = await pool.connect();
    let open = false;
    try {
      await client.query('BEGIN');
      open = true;
      const outcome = await appendToStream(client, mine, [event(1)], { expectedVersion: null });
      expect(outcome.kind).to.equal('appended');
      await append(newStream(), 1); // a newer transaction commits first and becomes the head
      const w = watch(fresh, mine, 0);
      const first = w.take(1);
      await sleep(200);
      await client.query('COMMIT');
      open = false;
      expect((await first).map((e) => e.stream_version)).to.deep.equal([1]);
      await append(mine, 2);
      expect((await w.take(1))[0]!.stream_version).to.equal(2);
      await w.stop();
    } finally {
      if (open) await client.query('ROLLBACK');
      client.release();
    }
  });
});
