import type { EventStore } from '../port.js';
import type { KurrentEventStoreOptions } from './eventStore.js';

/**
 * Loads the KurrentDB client only when KurrentDB is selected: it brings gRPC and a native addon
 * (about 0.1 s to load here), which a platform on PostgreSQL should neither pay for nor depend on.
 */
export const openKurrentEventStore = async (options: KurrentEventStoreOptions): Promise<EventStore> =>
  (await import('./eventStore.js')).createKurrentEventStore(options);
