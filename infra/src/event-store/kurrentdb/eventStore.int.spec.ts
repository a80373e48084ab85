import type { Context } from 'mocha';
import { eventStoreContract } from '../eventStore.contract.js';
import { createKurrentEventStore } from './eventStore.js';

const url = process.env.AGENT_PLATFORM_EVENTSTORE_URL;

/**
 * Runs against the KurrentDB server named by AGENT_PLATFORM_EVENTSTORE_URL, e.g.
 * `kurrentdb://localhost:2113?tls=false`; pending without it, in CI too, which has no such server.
 * The gap-safety tests skip themselves: a KurrentDB client cannot hold a transaction open.
 */
describe('KurrentDB event store', function () {
  this.timeout(60_000);
  before(function (this: Context) {
    if (!url) this.skip();
  });
  eventStoreContract(async ({ upcaster }) => {
    const store = createKurrentEventStore({ connectionString: url!, upcaster });
    return { store, teardown: () => store.close() };
  });
});
