import { expect } from 'chai';
import { subjectOf } from '@agent-platform/contracts';
import { all, ids, message, QUIET_MS, sleep, uniqueCategory, uniqueGroup, waitUntil, type ContractContext } from './contractHarness.js';

/** The broker contract on redelivery: nak delays, ack timeouts, term and maxDeliver. */
export const redeliveryContract = ({ broker, record }: ContractContext): void => {
  describe('redelivery', () => {
    it('redelivers a nak(delay) after about that delay, with attempt incremented', async () => {
      const category = uniqueCategory();
      const { seen, acked } = await record({
        group: uniqueGroup(),
        subjects: [all(category)],
        ackWaitMs: 20_000,
        react: async (d) => (d.attempt === 1 ? d.nak(1_500) : d.ack()),
      });
      await broker().publish([message(category)]);
      await waitUntil(() => acked.size === 1, 'the redelivery acked');
      expect(seen.map((s) => s.attempt)).to.deep.equal([1, 2]);
      const gap = seen[1]!.at - seen[0]!.at;
      expect(gap).to.be.within(1_000, 10_000);
    });

    it('redelivers a delivery neither acked nor nak-ed after ackWaitMs', async () => {
      const category = uniqueCategory();
      const { seen, acked } = await record({
        group: uniqueGroup(),
        subjects: [all(category)],
        ackWaitMs: 1_500,
        react: async (d) => (d.attempt === 1 ? undefined : d.ack()),
      });
      await broker().publish([message(category)]);
      await waitUntil(() => acked.size === 1, 'the redelivery acked');
      expect(seen.map((s) => s.attempt)).to.deep.equal([1, 2]);
      expect(seen[1]!.at - seen[0]!.at).to.be.within(1_000, 15_000);
    });

    it('never redelivers a term-ed delivery', async () => {
      const category = uniqueCategory();
      const { seen } = await record({ group: uniqueGroup(), subjects: [all(category)], ackWaitMs: 1_000, react: (d) => d.term() });
      await broker().publish([message(category)]);
      await waitUntil(() => seen.length === 1, 'the delivery');
      await sleep(2_500);
      expect(seen.map((s) => s.attempt)).to.deep.equal([1]);
    });

    it('stops redelivering after maxDeliver deliveries', async () => {
      const category = uniqueCategory();
      const { seen } = await record({ group: uniqueGroup(), subjects: [all(category)], maxDeliver: 3, react: (d) => d.nak(100) });
      await broker().publish([message(category)]);
      await waitUntil(() => seen.length === 3, 'three deliveries');
      await sleep(QUIET_MS);
      expect(seen.map((s) => s.attempt)).to.deep.equal([1, 2, 3]);
    });
  });
};

/** The broker contract on subject filters and on how many deliveries one member handles at once. */
export const subjectsAndConcurrencyContract = ({ broker, record }: ContractContext): void => {
  describe('subjects and concurrency', () => {
    it('delivers only the subjects a group names: exact subjects and everything below a `.>`', async () => {
      const [x, y] = [uniqueCategory(), uniqueCategory()];
      const [xa, xb, ya, yb] = [message(x, 'A'), message(x, 'B'), message(y, 'A'), message(y, 'B')];
      const onlyA = await record({ group: uniqueGroup(), subjects: [subjectOf(x, 'A')] });
      const allOfX = await record({ group: uniqueGroup(), subjects: [all(x)] });
      const several = await record({ group: uniqueGroup(), subjects: [subjectOf(x, 'B'), subjectOf(y, 'A')] });
      await broker().publish([xa, xb, ya, yb]);
      await waitUntil(() => onlyA.acked.size === 1 && allOfX.acked.size === 2 && several.acked.size === 2, 'the matching messages');
      await sleep(QUIET_MS);
      expect(ids(onlyA.seen)).to.deep.equal([xa.id]);
      expect(ids(allOfX.seen).sort()).to.deep.equal([xa.id, xb.id].sort());
      expect(ids(several.seen).sort()).to.deep.equal([xb.id, ya.id].sort());
    });

    it('lets a member with concurrency N handle N deliveries at once, and no more', async () => {
      const category = uniqueCategory();
      let inFlight = 0;
      let most = 0;
      const { acked } = await record({
        group: uniqueGroup(),
        subjects: [all(category)],
        concurrency: 3,
        react: async (d) => {
          most = Math.max(most, ++inFlight);
          await sleep(400);
          inFlight--;
          await d.ack();
        },
      });
      await broker().publish(Array.from({ length: 9 }, () => message(category)));
      await waitUntil(() => acked.size === 9, 'every message acked');
      expect(most).to.equal(3);
    });
  });
};
