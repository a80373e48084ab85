import { eventStoreContract } from '../eventStore.contract.js';
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
});
