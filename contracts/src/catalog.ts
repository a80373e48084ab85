import type { EventContract } from './events.js';
import { sessionEvents } from './sessions.js';

/** Every event type the platform emits, with its current version and upcasters. */
export const eventCatalog: readonly EventContract[] = [...sessionEvents];
