import { expect } from 'chai';
import { all, consumerHarness, ids, message, QUIET_MS, sleep, uniqueCategory, uniqueGroup, waitUntil, type Seen } from './contractHarness.js';
import { redeliveryContract, subjectsAndConcurrencyContract } from './delivery.contract.js';
import type { Broker } from './port.js';

export type BrokerFixture = { broker: Broker; teardown: () => Promise<void> };
export type BrokerFactory = () => Promise<BrokerFixture>;

/**
 * The behaviour every Broker adapter must show; run it once per adapter. One broker serves the whole
 * suite; each test publishes on its own category and consumes in its own groups, so tests never interfere.
 */
export const brokerContract = (factory: BrokerFactory): void => {
  // Each test waits at most 15 s for a condition; a slow shared CI machine needs the headroom.
  beforeEach(function () {
    this.currentTest?.timeout(45_000);
  });
  let fixture: BrokerFixture | undefined;
  const broker = () => {
    if (!fixture) throw new Error('the broker is not ready');
    return fixture.broker;
  };
  const { record, stop, stopAll } = consumerHarness(broker);

  before(async () => {
    fixture = await factory();
  });
  afterEach(async () => {
    expect(await stopAll(), 'errors reported to onError').to.deep.equal([]);
  });
  after(async () => fixture?.teardown());

  describe('publishing', () => {
    it('resolves with one ack per message, in order, and reports a re-published id as a duplicate', async () => {
      const category = uniqueCategory();
      const [first, second] = [message(category), message(category)];
      expect(await broker().publish([first, second])).to.deep.equal([
        { id: first.id, duplicate: false },
        { id: second.id, duplicate: false },
      ]);
      const third = message(category);
      expect(await broker().publish([second, third])).to.deep.equal([
        { id: second.id, duplicate: true },
        { id: third.id, duplicate: false },
      ]);
      const { seen } = await record({ group: uniqueGroup(), subjects: [all(category)] });
      await waitUntil(() => seen.length >= 3, 'three deliveries');
      await sleep(QUIET_MS);
      const asSeen = ({ id, subject, key, body }: Seen) => ({ id, subject, key, body });
      const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
      expect(seen.map(asSeen).sort(byId)).to.deep.equal([first, second, third].sort(byId));
    });

    it('accepts an empty batch', async () => {
      expect(await broker().publish([])).to.deep.equal([]);
    });
  });

  describe('consumer groups', () => {
    it('delivers every message exactly once to a group that acks', async () => {
      const category = uniqueCategory();
      const { seen, acked } = await record({ group: uniqueGroup(), subjects: [all(category)], ackWaitMs: 1_000 });
      const published = Array.from({ length: 20 }, (_, i) => message(category, 'A', `k${i % 4}`));
      await broker().publish(published);
      await waitUntil(() => acked.size === published.length, 'every message acked');
      await sleep(QUIET_MS);
      expect(ids(seen).sort()).to.deep.equal(published.map((m) => m.id).sort());
    });

    it('shares the messages between the members of one group, each to one member', async () => {
      const category = uniqueCategory();
      const group = uniqueGroup();
      const slowAck = async (d: { ack: () => Promise<void> }) => (await sleep(30), d.ack());
      const a = await record({ group, subjects: [all(category)], member: 'a', react: slowAck });
      const b = await record({ group, subjects: [all(category)], member: 'b', react: slowAck });
      const published = Array.from({ length: 30 }, () => message(category));
      await broker().publish(published);
      await waitUntil(() => a.acked.size + b.acked.size === published.length, 'every message acked');
      await sleep(QUIET_MS);
      expect([...ids(a.seen), ...ids(b.seen)].sort()).to.deep.equal(published.map((m) => m.id).sort());
      expect(a.seen.length, 'deliveries to member a').to.be.greaterThan(0);
      expect(b.seen.length, 'deliveries to member b').to.be.greaterThan(0);
    });

    it('gives each of two groups every message', async () => {
      const category = uniqueCategory();
      const published = Array.from({ length: 10 }, () => message(category));
      const groups = [
        await record({ group: uniqueGroup(), subjects: [all(category)] }),
        await record({ group: uniqueGroup(), subjects: [all(category)] }),
      ];
      await broker().publish(published);
      await waitUntil(() => groups.every((g) => g.acked.size === published.length), 'every message acked by both groups');
      for (const g of groups) expect(ids(g.seen).sort()).to.deep.equal(published.map((m) => m.id).sort());
    });

    it('delivers the messages of one key in publish order to a member with concurrency 1', async () => {
      const category = uniqueCategory();
      const keys = ['k1', 'k2', 'k3'];
      const published = Array.from({ length: 60 }, (_, i) => message(category, i % 2 ? 'A' : 'B', keys[i % keys.length]));
      const { seen, acked } = await record({ group: uniqueGroup(), subjects: [all(category)] });
      for (let i = 0; i < published.length; i += 20) await broker().publish(published.slice(i, i + 20));
      await waitUntil(() => acked.size === published.length, 'every message acked');
      for (const key of keys) {
        expect(seen.filter((s) => s.key === key).map((s) => s.id)).to.deep.equal(published.filter((m) => m.key === key).map((m) => m.id));
      }
    });

    it('delivers messages published before the group existed, from the start of the stream', async () => {
      const category = uniqueCategory();
      const published = Array.from({ length: 5 }, () => message(category));
      await broker().publish(published);
      const { seen, acked } = await record({ group: uniqueGroup(), subjects: [all(category)] });
      await waitUntil(() => acked.size === published.length, 'every message acked');
      expect(ids(seen).sort()).to.deep.equal(published.map((m) => m.id).sort());
    });

    it('resumes a stopped group in a new consumer without losing or repeating acked messages', async () => {
      const category = uniqueCategory();
      const group = uniqueGroup();
      const before = Array.from({ length: 10 }, () => message(category));
      await broker().publish(before);
      // The first member acks five messages and leaves the rest unacked, as if it stopped mid-batch.
      let acks = 0;
      const first = await record({ group, subjects: [all(category)], ackWaitMs: 1_000, react: async (d) => (acks++ < 5 ? d.ack() : undefined) });
      await waitUntil(() => first.acked.size === 5 && first.seen.length >= 6, 'five acks and one more delivery');
      await stop(first.consumer);
      const after = Array.from({ length: 10 }, () => message(category));
      await broker().publish(after);
      const second = await record({ group, subjects: [all(category)], ackWaitMs: 1_000 });
      await waitUntil(() => first.acked.size + second.acked.size === 20, 'every message acked once');
      expect(ids(second.seen).filter((id) => first.acked.has(id))).to.deep.equal([]);
      expect([...first.acked, ...second.acked].sort()).to.deep.equal([...before, ...after].map((m) => m.id).sort());
    });
  });

  redeliveryContract({ broker, record, stop });
  subjectsAndConcurrencyContract({ broker, record, stop });
};
