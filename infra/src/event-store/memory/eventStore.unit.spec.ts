import { expect } from 'chai';
import { eventStoreContract } from '../eventStore.contract.js';
import { LOG_START } from '../port.js';
import { createInMemoryEventStore } from './eventStore.js';

/** The in-memory store keeps the port's whole contract, gap safety included, so specs that use it lose nothing but the I/O. */
describe('in-memory event store', () => {
  eventStoreContract(async ({ upcaster }) => {
    const store = createInMemoryEventStore({ upcaster });
    return {
      store,
      beginTransaction: async () => store.beginTransaction(),
      allEventIds: async () => store.allEventIds(),
      teardown: () => store.close(),
    };
  });

  describe('as a database would', () => {
    it('keeps what was appended when the caller changes its objects afterwards, or the events a read gave it', async () => {
      const store = createInMemoryEventStore();
      const data = { items: ['a'] };
      const appended = await store.append('s-1', [{ type: 'T', data, metadata: { workspace_id: 'public' } }], { expectedVersion: 'any' });
      data.items.push('changed after the append');
      (appended.events[0]!.data as typeof data).items.push('changed in the result');
      const [read] = await store.readStream('s-1');
      (read!.data as typeof data).items.push('changed in a read');
      expect((await store.readAll({ after: LOG_START, limit: 10 })).events[0]!.data).to.deep.equal({ items: ['a'] });
    });

    it('drops undefined fields, as jsonb does', async () => {
      const store = createInMemoryEventStore();
      await store.append('s-2', [{ type: 'T', data: { kept: 1, dropped: undefined }, metadata: { workspace_id: 'public' } }], { expectedVersion: 'any' });
      expect((await store.readStream('s-2'))[0]!.data).to.deep.equal({ kept: 1 }).and.not.to.have.property('dropped');
    });

    it('records events at the time its clock gives', async () => {
      const store = createInMemoryEventStore({ now: () => new Date('2026-01-01T00:00:00.000Z') });
      const { events } = await store.append('s-3', [{ type: 'T', data: {}, metadata: { workspace_id: 'public' } }], { expectedVersion: 'any' });
      expect(events[0]!.recorded_at).to.equal('2026-01-01T00:00:00.000Z');
    });
  });
});
