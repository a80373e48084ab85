import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'chai';
import type { RecordedEvent } from '@agent-platform/contracts';
import { LOG_START, type ReadAllOptions, type ReadAllResult, type SubscribeOptions, type Subscription } from './port.js';
import { sharedSubscriptions } from './subscription.js';
import { createWakeupHub } from './wakeups.js';

/** An in-memory log with PostgreSQL's order, counting the reads made of it. */
const fakeLog = () => {
  const events: RecordedEvent[] = [];
  let reads = 0;
  let failing = false;
  const readAll = async (options: ReadAllOptions): Promise<ReadAllResult> => {
    reads++;
    await sleep(0);
    if (failing) throw new Error('the database is away');
    const after = BigInt(options.after.transactionId) * 1_000_000n + BigInt(options.after.globalPosition);
    const page = events.filter((e) => BigInt(e.transaction_id) * 1_000_000n + BigInt(e.global_position) > after).slice(0, options.limit);
    const last = page.at(-1);
    return {
      events: options.types ? page.filter((e) => options.types!.includes(e.type)) : page,
      scanned: page.length,
      checkpoint: last ? { transactionId: last.transaction_id, globalPosition: last.global_position } : options.after,
      blockedByOpenTransaction: false,
    };
  };
  const append = (type = 'Happened') => {
    const n = events.length + 1;
    events.push({
      global_position: n,
      transaction_id: String(100 + n),
      stream_id: `s-${n}`,
      stream_version: 1,
      event_id: `e-${n}`,
      type,
      schema_version: 1,
      data: {},
      metadata: { workspace_id: 'public' },
      recorded_at: new Date(0).toISOString(),
    });
  };
  return {
    readAll,
    append,
    reads: () => reads,
    fail: (on: boolean) => (failing = on),
  };
};

const waitFor = async (condition: () => boolean, what: string) => {
  for (let i = 0; i < 500 && !condition(); i++) await sleep(5);
  if (!condition()) throw new Error(`timed out waiting for ${what}`);
};

const setUp = (polling: Parameters<typeof sharedSubscriptions>[2] = {}) => {
  const log = fakeLog();
  const hub = createWakeupHub();
  const subscribe = sharedSubscriptions(log.readAll, hub, { idlePollMs: 10_000, errorRetryMs: 5, ...polling });
  const subscriptions: Subscription[] = [];
  /** A subscriber that records what it saw, and every checkpoint it was handed. */
  const subscriber = (options: Partial<SubscribeOptions> = {}) => {
    const seen: string[] = [];
    const checkpoints: number[] = [];
    const subscription = subscribe({
      from: LOG_START,
      handle: async (events, checkpoint) => {
        seen.push(...events.map((e) => e.event_id));
        checkpoints.push(checkpoint.globalPosition);
      },
      ...options,
    });
    subscriptions.push(subscription);
    return { seen, checkpoints, subscription };
  };
  const appendAndSignal = (count: number, type?: string) => {
    for (let i = 0; i < count; i++) log.append(type);
    hub.signal();
  };
  const stopAll = () => Promise.all(subscriptions.map((s) => s.stop()));
  return { log, subscriber, appendAndSignal, stopAll };
};

const ids = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `e-${from + i}`);

describe('shared subscriptions', () => {
  it('read each new part of the log once for all the live subscriptions, not once each', async () => {
    const { log, subscriber, appendAndSignal, stopAll } = setUp();
    const subscribers = Array.from({ length: 6 }, () => subscriber());
    await waitFor(() => log.reads() >= 7, 'the catch-up reads and the shared reader');
    const before = log.reads();
    for (let n = 1; n <= 20; n++) {
      appendAndSignal(1);
      await waitFor(() => subscribers.every((s) => s.seen.length === n), `event ${n} everywhere`);
    }
    await stopAll();
    for (const s of subscribers) expect(s.seen).to.deep.equal(ids(1, 20));
    // One read per append, and at most one more that finds nothing; six readers would make 20 × 6.
    expect(log.reads() - before).to.be.at.most(40);
  });

  it('does not read while every live subscription is busy, and reads all that was appended meanwhile at once when one is back', async () => {
    const { log, subscriber, appendAndSignal, stopAll } = setUp();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const seen: string[] = [];
    subscriber({
      handle: async (events) => {
        seen.push(...events.map((e) => e.event_id));
        if (events.length) await gate;
      },
    });
    await sleep(10);
    appendAndSignal(1);
    await waitFor(() => seen.length === 1, 'the first event');
    const before = log.reads();
    for (let n = 0; n < 10; n++) {
      appendAndSignal(1);
      await sleep(1);
    }
    await sleep(20);
    expect(log.reads() - before).to.be.at.most(1);
    release();
    await waitFor(() => seen.length === 11, 'the events appended while it was busy');
    await stopAll();
    expect(seen).to.deep.equal(ids(1, 11));
    expect(log.reads() - before).to.be.at.most(3);
  });

  it('lets a lingering subscription take what was appended during its linger in one page, read once', async () => {
    const { log, subscriber, appendAndSignal, stopAll } = setUp();
    const lingering = subscriber({ lingerMs: 100 });
    await sleep(10);
    appendAndSignal(1);
    // After a quiet spell, at once.
    await waitFor(() => lingering.seen.length === 1, 'the first event');
    const pages = lingering.checkpoints.length;
    const before = log.reads();
    for (let n = 0; n < 10; n++) {
      appendAndSignal(1);
      await sleep(2);
    }
    expect(lingering.seen).to.have.length(1);
    await waitFor(() => lingering.seen.length === 11, 'the events appended during the linger');
    await stopAll();
    expect(lingering.seen).to.deep.equal(ids(1, 11));
    expect(lingering.checkpoints.length - pages).to.equal(1);
    expect(log.reads() - before).to.be.at.most(2);
  });

  it('ends a linger when the subscription is hurried', async () => {
    const { subscriber, appendAndSignal, stopAll } = setUp();
    const lingering = subscriber({ lingerMs: 60_000 });
    await sleep(10);
    appendAndSignal(1);
    await waitFor(() => lingering.seen.length === 1, 'the first event');
    appendAndSignal(1);
    await sleep(50);
    expect(lingering.seen).to.have.length(1);
    lingering.subscription.hurry();
    await waitFor(() => lingering.seen.length === 2, 'the hurried event');
    const stopping = performance.now();
    await stopAll();
    expect(performance.now() - stopping).to.be.below(1000);
  });

  it('lets a subscription from the start catch up on its own in full pages, then go live without a gap or a repeat', async () => {
    const { subscriber, appendAndSignal, stopAll } = setUp();
    const live = subscriber();
    appendAndSignal(1_234);
    await waitFor(() => live.seen.length === 1_234, 'the first subscriber');
    const late = subscriber({ batchSize: 100 });
    appendAndSignal(6);
    await waitFor(() => late.seen.length === 1_240 && live.seen.length === 1_240, 'both subscribers');
    await stopAll();
    expect(late.seen).to.deep.equal(ids(1, 1_240));
    expect(live.seen).to.deep.equal(ids(1, 1_240));
    expect(late.checkpoints.slice(0, 3)).to.deep.equal([100, 200, 300]);
  });

  it('hands a subscription with a type filter only its events, yet moves its checkpoint past the others', async () => {
    const { subscriber, appendAndSignal, stopAll } = setUp();
    const all = subscriber();
    const some = subscriber({ types: ['Wanted'] });
    await sleep(10);
    appendAndSignal(2, 'Other');
    appendAndSignal(1, 'Wanted');
    appendAndSignal(2, 'Other');
    await waitFor(() => all.seen.length === 5 && some.checkpoints.at(-1) === 5, 'both subscribers at the head');
    await stopAll();
    expect(some.seen).to.deep.equal(['e-3']);
  });

  it('lets a subscription that falls behind what is kept in memory read on its own, without holding the others back', async () => {
    const { subscriber, appendAndSignal, stopAll } = setUp({ bufferedEvents: 10 });
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slowSeen: string[] = [];
    subscriber({
      handle: async (events) => {
        await gate;
        slowSeen.push(...events.map((e) => e.event_id));
      },
    });
    const fast = subscriber();
    await sleep(10);
    for (let n = 1; n <= 50; n++) appendAndSignal(1);
    await waitFor(() => fast.seen.length === 50, 'the fast subscriber, while the slow one is stuck');
    release();
    await waitFor(() => slowSeen.length === 50, 'the slow subscriber');
    await stopAll();
    expect(slowSeen).to.deep.equal(ids(1, 50));
    expect(fast.seen).to.deep.equal(ids(1, 50));
  });

  it('hands a page again to a handler that failed on it, and reports the failure', async () => {
    const { subscriber, appendAndSignal, stopAll } = setUp();
    const errors: unknown[] = [];
    let failures = 1;
    const seen: string[] = [];
    subscriber({
      onError: (error) => errors.push(error),
      handle: async (events) => {
        if (events.length && failures-- > 0) throw new Error('the read model is away');
        seen.push(...events.map((e) => e.event_id));
      },
    });
    await sleep(10);
    appendAndSignal(3);
    await waitFor(() => seen.length === 3, 'the retried page');
    await stopAll();
    expect(seen).to.deep.equal(ids(1, 3));
    expect(errors).to.have.length(1);
  });

  it('keeps its subscriptions waiting, not failing, while the shared read fails, and goes on once it works', async () => {
    const { log, subscriber, appendAndSignal, stopAll } = setUp();
    const one = subscriber();
    await sleep(10);
    log.fail(true);
    appendAndSignal(2);
    await sleep(30);
    expect(one.seen).to.deep.equal([]);
    log.fail(false);
    appendAndSignal(1);
    await waitFor(() => one.seen.length === 3, 'the events after the failure');
    await stopAll();
    expect(one.seen).to.deep.equal(ids(1, 3));
  });

  it('stops reading the log when its last subscription stops', async () => {
    const { log, subscriber, appendAndSignal, stopAll } = setUp({ idlePollMs: 5 });
    subscriber();
    subscriber();
    await sleep(20);
    await stopAll();
    const reads = log.reads();
    appendAndSignal(1);
    await sleep(30);
    expect(log.reads()).to.equal(reads);
  });
});
