import { expect } from 'chai';
import type { EachBatchPayload } from 'kafkajs';
import type { ConsumeOptions, Delivery } from '../port.js';
import { matchesAny } from '../subjects.js';
import { processBatch, type BatchContext } from './batch.js';
import type { Member } from './delivery.js';
import { createSlots } from './slots.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const SUBJECT = 'agentplatform.events.test.A';
type Spec = { id: string; key?: string; subject?: string };

/** A kafkajs batch payload that records what processBatch resolves and commits. */
const fakeBatch = (specs: Spec[], options: { heartbeat?: () => Promise<void> } = {}) => {
  const commits: string[] = [];
  const resolved: string[] = [];
  const messages = specs.map((s, i) => ({
    offset: String(100 + i),
    key: Buffer.from(s.key ?? s.id),
    value: Buffer.from(`body-${s.id}`),
    headers: { 'ap-id': Buffer.from(s.id), 'ap-subject': Buffer.from(s.subject ?? SUBJECT) },
    timestamp: '0',
    attributes: 0,
    size: 0,
  }));
  const payload = {
    batch: { topic: 'agentplatform.events.test', partition: 0, messages },
    resolveOffset: (offset: string) => resolved.push(offset),
    heartbeat: options.heartbeat ?? (async () => undefined),
    commitOffsetsIfNecessary: async (offsets: { topics: { partitions: { offset: string }[] }[] }) => {
      commits.push(offsets.topics[0]!.partitions[0]!.offset);
    },
  } as unknown as EachBatchPayload;
  return { payload, commits, resolved };
};

type Seen = { id: string; attempt: number; at: number };

const context = (react: (d: Delivery) => Promise<void>, overrides: Partial<ConsumeOptions> = {}) => {
  const seen: Seen[] = [];
  const errors: unknown[] = [];
  const options: ConsumeOptions = {
    group: 'g',
    subjects: [SUBJECT],
    maxDeliver: 5,
    ackWaitMs: 2_000,
    concurrency: 1,
    ...overrides,
    handle: async (d) => {
      seen.push({ id: d.id, attempt: d.attempt, at: Date.now() });
      await react(d);
    },
  };
  const member: Member = { options, slots: createSlots(options.concurrency), running: new Set() };
  const stop = new AbortController();
  const ctx: BatchContext = {
    member,
    matches: matchesAny(options.subjects),
    stopped: stop.signal,
    onCommitError: (e) => errors.push(e),
    heartbeatEveryMs: 20,
  };
  return { ctx, seen, errors, stop, member };
};

describe('Kafka batch processing', () => {
  it('delivers each message once, commits past the last, and keeps each key in offset order', async () => {
    const { payload, commits, resolved } = fakeBatch([
      { id: 'a1', key: 'a' },
      { id: 'b1', key: 'b' },
      { id: 'a2', key: 'a' },
    ]);
    const { ctx, seen } = context((d) => d.ack(), { concurrency: 2 });
    await processBatch(payload, ctx);
    expect(seen.map((s) => s.id).filter((id) => id.startsWith('a'))).to.deep.equal(['a1', 'a2']);
    expect(seen).to.have.length(3);
    expect(resolved[resolved.length - 1]).to.equal('102');
    expect(commits[commits.length - 1]).to.equal('103');
  });

  it('runs at most `concurrency` handlers at once across keys', async () => {
    let inFlight = 0;
    let most = 0;
    const { payload } = fakeBatch(Array.from({ length: 9 }, (_, i) => ({ id: `m${i}` })));
    const { ctx } = context(
      async (d) => {
        most = Math.max(most, ++inFlight);
        await sleep(30);
        inFlight--;
        await d.ack();
      },
      { concurrency: 3 },
    );
    await processBatch(payload, ctx);
    expect(most).to.equal(3);
  });

  it('redelivers a nak after its delay with attempt + 1, holding back only that key', async () => {
    const { payload } = fakeBatch([
      { id: 'a1', key: 'a' },
      { id: 'a2', key: 'a' },
      { id: 'b1', key: 'b' },
    ]);
    const { ctx, seen } = context((d) => (d.id === 'a1' && d.attempt === 1 ? d.nak(150) : d.ack()));
    await processBatch(payload, ctx);
    expect(seen.map((s) => `${s.id}#${s.attempt}`)).to.deep.equal(['a1#1', 'b1#1', 'a1#2', 'a2#1']);
    expect(seen[2]!.at - seen[0]!.at).to.be.at.least(140);
  });

  it('never commits past a message that is not settled yet', async () => {
    const { payload, commits } = fakeBatch([{ id: 'slow' }, { id: 'fast' }]);
    let commitsWhenSlowAcked: string[] = [];
    const { ctx } = context(
      async (d) => {
        if (d.id === 'fast') return d.ack();
        await sleep(100);
        commitsWhenSlowAcked = [...commits];
        await d.ack();
      },
      { concurrency: 2 },
    );
    await processBatch(payload, ctx);
    expect(commitsWhenSlowAcked).to.deep.equal([]);
    expect(commits[commits.length - 1]).to.equal('102');
  });

  it('redelivers a delivery neither acked nor nak-ed once the ack wait ran out', async () => {
    const { payload } = fakeBatch([{ id: 'm' }]);
    const { ctx, seen } = context(async (d) => (d.attempt === 1 ? undefined : d.ack()), { ackWaitMs: 100 });
    await processBatch(payload, ctx);
    expect(seen.map((s) => s.attempt)).to.deep.equal([1, 2]);
    expect(seen[1]!.at - seen[0]!.at).to.be.at.least(90);
  });

  it('gives up after maxDeliver deliveries and moves the offset on; a term is final', async () => {
    const { payload, commits } = fakeBatch([{ id: 'poison', key: 'k' }, { id: 'done', key: 'k' }]);
    const { ctx, seen } = context((d) => (d.id === 'poison' ? d.nak(5) : d.term()), { maxDeliver: 3 });
    await processBatch(payload, ctx);
    expect(seen.map((s) => `${s.id}#${s.attempt}`)).to.deep.equal(['poison#1', 'poison#2', 'poison#3', 'done#1']);
    expect(commits[commits.length - 1]).to.equal('102');
  });

  it('skips, and commits past, messages of other subjects and of other producers', async () => {
    const { payload, commits } = fakeBatch([{ id: 'other', subject: 'agentplatform.events.test.B' }, { id: 'mine' }]);
    const { ctx, seen } = context((d) => d.ack());
    await processBatch(payload, ctx);
    expect(seen.map((s) => s.id)).to.deep.equal(['mine']);
    expect(commits[commits.length - 1]).to.equal('102');
  });

  it('stops at once when the member stops, committing only what was settled', async () => {
    const { payload, commits } = fakeBatch([
      { id: 'acked', key: 'k' },
      { id: 'waiting', key: 'k' },
      { id: 'never', key: 'k' },
    ]);
    const { ctx, seen, stop } = context((d) => (d.id === 'acked' ? d.ack() : d.nak(10_000)));
    const done = processBatch(payload, ctx);
    while (seen.length < 2) await sleep(5);
    stop.abort();
    await done;
    expect(seen.map((s) => s.id)).to.deep.equal(['acked', 'waiting']);
    expect(commits).to.deep.equal(['101']);
  });

  it('aborts the batch and rethrows when a heartbeat fails (the group is rebalancing)', async () => {
    const rebalancing = Object.assign(new Error('rebalancing'), { type: 'REBALANCE_IN_PROGRESS' });
    const { payload, commits } = fakeBatch([{ id: 'm' }], { heartbeat: async () => Promise.reject(rebalancing) });
    const { ctx } = context((d) => d.nak(10_000));
    const error = await processBatch(payload, ctx).catch((e) => e);
    expect(error).to.equal(rebalancing);
    expect(commits).to.deep.equal([]);
  });

  it('reports a handler error and redelivers after the ack wait', async () => {
    const { payload } = fakeBatch([{ id: 'm' }]);
    const failures: unknown[] = [];
    const { ctx, seen, member } = context(
      async (d) => {
        if (d.attempt === 1) throw new Error('boom');
        await d.ack();
      },
      { ackWaitMs: 50 },
    );
    member.options.onError = (e) => failures.push(e);
    await processBatch(payload, ctx);
    expect(seen.map((s) => s.attempt)).to.deep.equal([1, 2]);
    expect(failures).to.have.length(1);
  });
});
